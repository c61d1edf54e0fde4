#!/bin/sh
# Install what reportgen needs from the system, when missing (Debian/Ubuntu).
#   sh scripts/system-deps.sh demo   what building documents needs (make demo)
#   sh scripts/system-deps.sh test   that, and the real clients the tests read outputs with (make test)
# For building documents:
#   python3-venv           Debian splits venv/ensurepip out of python3.11
#   fonts-liberation2      Liberation Serif 2.x: metric-compatible with Times New Roman,
#                          full Vietnamese coverage (the PDF embeds it)
#   libpango-1.0-0, libpangoft2-1.0-0   text layout for WeasyPrint
#   libharfbuzz-subset0    font subsetting for WeasyPrint (fast, and required by its next versions)
# For the tests only:
#   default-jre-headless, libpdfbox2-java, libactivation-java, libjaxb-api-java
#                          the PDF/A check: Apache PDFBox Preflight and the two Java EE
#                          APIs (javax.activation, javax.xml.bind) it needs on Java 11+
#   libreoffice-writer-nogui, libreoffice-calc-nogui
#                          the DOCX and the .xlsx as a word processor and a spreadsheet lay them out
#   poppler-utils          pdftoppm/pdftotext: the PDF as another reader renders it
#   chromium, chromium-driver   the web page's browser test (tests/behaviour/test_web_browser.py)
#   softhsm2               a PKCS#11 token in software: stands in for the signer's USB key in tests/signing/test_sign.py
# Without root or apt, it prints what to install; it fails when building documents needs it,
# and goes on when only tests need it (each such test is then skipped, saying what to install).
set -eu
SET=${1:-test}
case "$SET" in demo|test) ;; *) echo "usage: sh scripts/system-deps.sh demo|test" >&2; exit 2 ;; esac
PYTHON=${PYTHON:-python3.11}
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
missing=""       # what building documents needs
missing_test=""  # what only the tests need
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || missing="$missing python3-venv"
fc-list 2>/dev/null | grep -q "LiberationSerif-Regular" || missing="$missing fonts-liberation2 fontconfig"
"$LDCONFIG" -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
"$LDCONFIG" -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0" || missing="$missing libharfbuzz-subset0"
if [ "$SET" = test ]; then
    command -v java >/dev/null 2>&1 || missing_test="$missing_test default-jre-headless"
    [ -f /usr/share/java/preflight.jar ] || missing_test="$missing_test libpdfbox2-java"
    [ -f /usr/share/java/javax.activation.jar ] || missing_test="$missing_test libactivation-java"
    [ -f /usr/share/java/jaxb-api.jar ] || missing_test="$missing_test libjaxb-api-java"
    { command -v soffice >/dev/null 2>&1 && [ -e /usr/lib/libreoffice/program/libswlo.so ]; } \
        || missing_test="$missing_test libreoffice-writer-nogui"
    [ -e /usr/lib/libreoffice/program/libsclo.so ] || missing_test="$missing_test libreoffice-calc-nogui"
    { command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } \
        || missing_test="$missing_test poppler-utils"
    command -v chromium >/dev/null 2>&1 || missing_test="$missing_test chromium"
    command -v chromedriver >/dev/null 2>&1 || missing_test="$missing_test chromium-driver"
    [ -f /usr/lib/softhsm/libsofthsm2.so ] || missing_test="$missing_test softhsm2"
fi
all="$missing$missing_test"
[ -z "$all" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "reportgen: installing system packages ($SET):$all"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $all >/dev/null 2>&1 || {
        apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $all >/dev/null; }
    fc-cache -f >/dev/null 2>&1 || true
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "reportgen: installing system packages ($SET) with sudo:$all"
    sudo apt-get update -q >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q $all >/dev/null
elif [ -n "$missing" ]; then
    echo "reportgen: missing system packages ($SET):$all" >&2
    echo "Install them as root, then run make again:  sudo apt-get install$all" >&2
    echo "(Other systems: install Liberation Serif 2.x or Times New Roman, and Pango >= 1.44.)" >&2
    exit 1
else
    echo "reportgen: the tests that read outputs with these are skipped, each saying so:$missing_test" >&2
    echo "To run them too, install as root:  sudo apt-get install$missing_test" >&2
fi
