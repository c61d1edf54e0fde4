#!/bin/sh
# Install what reportgen needs from the system, when missing (Debian/Ubuntu):
#   python3-venv           Debian splits venv/ensurepip out of python3.11
#   fonts-liberation2      Liberation Serif 2.x: metric-compatible with Times New Roman,
#                          full Vietnamese coverage (the PDF embeds it)
#   libpango-1.0-0, libpangoft2-1.0-0   text layout for WeasyPrint
#   libharfbuzz-subset0    font subsetting for WeasyPrint (fast, and required by its next versions)
#   default-jre-headless, libpdfbox2-java, libactivation-java, libjaxb-api-java
#                          the tests' PDF/A check: Apache PDFBox Preflight and the two Java EE
#                          APIs (javax.activation, javax.xml.bind) it needs on Java 11+
#   libreoffice-calc-nogui only where LibreOffice is installed: to lay out the written .xlsx in tests
#   chromium, chromium-driver   the web page's browser test (tests/test_web_browser.py)
#   softhsm2               a PKCS#11 token in software: stands in for the signer's USB key in tests/test_signing.py
# Without root or apt, it prints what to install and fails.
set -eu
PYTHON=${PYTHON:-python3.11}
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
missing=""
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || missing="$missing python3-venv"
fc-list 2>/dev/null | grep -q "LiberationSerif-Regular" || missing="$missing fonts-liberation2 fontconfig"
"$LDCONFIG" -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
"$LDCONFIG" -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0" || missing="$missing libharfbuzz-subset0"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
[ -f /usr/share/java/preflight.jar ] || missing="$missing libpdfbox2-java"
[ -f /usr/share/java/javax.activation.jar ] || missing="$missing libactivation-java"
[ -f /usr/share/java/jaxb-api.jar ] || missing="$missing libjaxb-api-java"
# LibreOffice is optional (its tests are skipped without it); where it is, its spreadsheet
# module lets the tests lay out the written bao-cao.xlsx
if command -v soffice >/dev/null 2>&1 && [ -d /usr/lib/libreoffice/program ] \
        && ! [ -e /usr/lib/libreoffice/program/libsclo.so ]; then
    missing="$missing libreoffice-calc-nogui"
fi
# For the tests only: the web page's end-to-end test drives Debian's Chromium.
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
[ -f /usr/lib/softhsm/libsofthsm2.so ] || missing="$missing softhsm2"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "reportgen: installing system packages:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null 2>&1 || {
        apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null; }
    fc-cache -f >/dev/null 2>&1 || true
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "reportgen: installing system packages with sudo:$missing"
    sudo apt-get update -q >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
else
    echo "reportgen: missing system packages:$missing" >&2
    echo "Install them as root, then run make again:  sudo apt-get install$missing" >&2
    echo "(Other systems: install Liberation Serif 2.x or Times New Roman, and Pango >= 1.44.)" >&2
    exit 1
fi
