"""Digital signatures as Decree 30/2020 lays them out (issue 24): see docs/signing.md.

``locate`` finds the lines and the signature space on the page, ``keys`` opens the key
(PKCS#12 or PKCS#11 token), ``appearance`` draws images and text, ``fields`` holds the
number and date the clerk fills, ``sign`` signs, ``check`` verifies.
"""

import logging
import warnings

# fontTools reports each table it drops while subsetting a font for an appearance: not for the user
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
# pyHanko logs each validation failure with its traceback; check.py reports them in words
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
# cryptography warns that DSA keys will go, each time pyHanko imports its DSA support
warnings.filterwarnings("ignore", message="DSA is deprecated")
