#!/usr/bin/env bash
# Debian packages some tests need: chromium (report and web tests in a real browser),
# age (intake interoperability), poppler-utils (PDF pages to PNG), fonts, Java (Spark).
# Installs what is missing when run as root with apt-get; otherwise says what is missing
# (those tests then skip with the reason).
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v age >/dev/null 2>&1 || need+=(age)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)  # Spark backend tests
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${need[*]}" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2 \
    || echo "could not install ${need[*]}; the tests that need them will skip" >&2
else
  echo "missing Debian packages (tests that need them will skip): ${need[*]}" >&2
fi
exit 0
