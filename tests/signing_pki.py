"""A test PKI made in the test: root, intermediate, the signer's, the office's and a TSA certificate.

Nothing of it is committed: keys and certificates are made with ``cryptography`` when a test
asks (EC P-256, fast), written as PEM and PKCS#12 under the test's temporary folder. Also
a minimal RFC 3161 time-stamp server on 127.0.0.1 (pyHanko's ``DummyTimeStamper`` answering
HTTP POSTs), and drawn signature and seal images.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = b"mat-khau-thu"
NOW = datetime.now(timezone.utc)


@dataclass
class Issued:
    key: object
    cert: x509.Certificate
    pem: Path
    p12: Path | None = None


def _name(cn: str, org: str = "Ban Cơ yếu Chính phủ (thử)") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def issue(folder: Path, stem: str, cn: str, issuer: Issued | None, *, ca: bool = False,
          usage: str = "sign", not_before: datetime | None = None, not_after: datetime | None = None,
          p12: bool = False) -> Issued:
    # pyHanko's dummy time-stamper signs with RSA only
    key = rsa.generate_private_key(65537, 2048) if usage == "tsa" else ec.generate_private_key(ec.SECP256R1())
    subject = _name(cn)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before or NOW - timedelta(days=30))
               .not_valid_after(not_after or NOW + timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                 encipher_only=False, decipher_only=False)
    if ca:
        flags.update(key_cert_sign=True, crl_sign=True)
    elif usage == "sign":
        flags.update(digital_signature=True, content_commitment=True)
    elif usage == "tsa":
        flags.update(digital_signature=True)
    else:  # "encrypt": a certificate that may not sign
        flags.update(key_encipherment=True, key_agreement=True)
    builder = builder.add_extension(x509.KeyUsage(**flags), critical=True)
    if usage == "tsa":
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    pem = folder / f"{stem}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    result = Issued(key, cert, pem)
    if p12:
        result.p12 = folder / f"{stem}.p12"
        result.p12.write_bytes(pkcs12.serialize_key_and_certificates(
            stem.encode(), key, cert, [issuer.cert] if issuer else None,
            serialization.BestAvailableEncryption(PASSWORD)))
    return result


@dataclass
class Pki:
    folder: Path
    root: Issued
    intermediate: Issued
    signer: Issued
    office: Issued
    tsa: Issued
    password_file: Path
    signature_png: Path
    seal_png: Path


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    root = issue(folder, "root", "Root CA thử nghiệm", None, ca=True)
    intermediate = issue(folder, "intermediate", "CA trung gian thử nghiệm", root, ca=True)
    signer = issue(folder, "signer", "Trần Thị Quý", intermediate, p12=True)
    office = issue(folder, "office", "Ủy ban nhân dân huyện Tháp Mười", intermediate, p12=True)
    tsa = issue(folder, "tsa", "Máy chủ dấu thời gian thử nghiệm", intermediate, usage="tsa")
    password = folder / "mat-khau.txt"
    password.write_bytes(PASSWORD + b"\n")
    return Pki(folder, root, intermediate, signer, office, tsa, password,
               draw_signature(folder / "chu-ky.png"), draw_seal(folder / "con-dau.png"))


def draw_signature(path: Path) -> Path:
    """A handwritten-looking signature, blue on a transparent background."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (600, 260), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue = (20, 40, 170, 255)
    points = [(40, 190), (90, 60), (130, 200), (180, 70), (230, 180), (280, 90), (330, 170), (400, 60),
              (450, 200), (520, 110), (570, 150)]
    draw.line(points, fill=blue, width=9, joint="curve")
    draw.line([(60, 220), (560, 200)], fill=blue, width=6)
    img.save(path)
    return path


def draw_seal(path: Path) -> Path:
    """A round red seal with a star, on a transparent background."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (215, 25, 32, 255)
    draw.ellipse((8, 8, 392, 392), outline=red, width=14)
    draw.ellipse((70, 70, 330, 330), outline=red, width=6)
    star = [(200, 120), (220, 180), (284, 180), (232, 218), (252, 280), (200, 242), (148, 280), (168, 218),
            (116, 180), (180, 180)]
    draw.polygon(star, fill=red)
    img.save(path)
    return path


class TimeStampServer:
    """An RFC 3161 time-stamp server on 127.0.0.1 (an ephemeral port), answering with pyHanko's dummy TSA."""

    def __init__(self, tsa: Issued, chain: list[Issued]):
        from asn1crypto import keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        def asn1(cert):
            return asn1_x509.Certificate.load(cert.cert.public_bytes(serialization.Encoding.DER))

        key = keys.PrivateKeyInfo.load(tsa.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        stamper = DummyTimeStamper(tsa_cert=asn1(tsa), tsa_key=key,
                                   certs_to_embed=SimpleCertificateStore.from_certs([asn1(c) for c in chain]))
        self.requests = 0
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                from asn1crypto import tsp

                body = self.rfile.read(int(self.headers["Content-Length"]))
                response = stamper.request_tsa_response(tsp.TimeStampReq.load(body))
                data = response.dump()
                server_self.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def p12_args(issued, pki) -> list[str]:
    return ["--p12", str(issued.p12), "--password-file", str(pki.password_file)]



def validate(path: Path, pki) -> list:
    """pyHanko's own validation of every signature, against the test root."""
    from asn1crypto import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = x509.Certificate.load(pki.root.cert.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(BytesIO(path.read_bytes()))
    return [validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False),
                                   ValidationContext(trust_roots=[root], allow_fetching=False))
            for sig in reader.embedded_regular_signatures]
