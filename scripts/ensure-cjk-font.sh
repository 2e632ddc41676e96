#!/usr/bin/env bash
# The PDFs (commercial invoice, packing list, label, payout statement) embed a Chinese TrueType
# font so every reader shows the Chinese: WenQuanYi Micro Hei from Debian. Installs it when
# missing and we are root; otherwise the PDFs fall back to reportlab's non-embedded STSong-Light
# (with CI=true a missing font is an error, so CI proves the embedded path).
set -uo pipefail
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ -f "$FONT" ] || [ -n "${TWOWAY_PDF_FONT:-}" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing a Chinese font for the PDFs (fonts-wqy-microhei)"
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 ||
   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null)) || true
fi
if [ ! -f "$FONT" ]; then
  if [ "${CI:-}" = "true" ]; then echo "error: a Chinese font for the PDFs is required (fonts-wqy-microhei)" >&2; exit 2; fi
  echo "fonts-wqy-microhei not available: PDFs use reportlab's non-embedded STSong-Light"
fi
exit 0
