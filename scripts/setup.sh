#!/usr/bin/env bash
# Set up sqdocs on a Debian machine: Chinese fonts (and, with --test, the tools the tests use),
# then a virtual environment in .venv with sqdocs installed. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# 全字庫正楷體 (TW-Kai) is the default Kai face; AR PL UKai/UMing and cwTeX Kai are alternatives;
# TW-Kai Ext-B and HanaMinA/B draw rare characters the main font lacks; Liberation Serif (Times
# New Roman's widths) draws Latin letters and digits, as Word draws them in Times New Roman.
# convmv renames the file names a Windows zip leaves in Big5, as sqdocs's message on them says.
packages=(fonts-cns11643-kai fonts-arphic-ukai fonts-arphic-uming fonts-cwtex-kai fonts-hanazono fonts-liberation2 python3-venv convmv)
if [[ "${1:-}" == "--test" ]]; then
  # pdftotext/pdffonts/pdftoppm check PDFs; LibreOffice checks that the .docx opens and lays out,
  # and Calc that the .xlsx forms open and print (Carlito: Calibri's widths, so columns lay out as in Excel).
  packages+=(poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui fonts-crosextra-carlito)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibreOffice and other fontconfig users: 標楷體 → the Taiwan face of a Kai font.
conf=scripts/fontconfig/99-sqdocs-kai.conf
if [[ $(id -u) -eq 0 ]]; then target=/etc/fonts/conf.d/99-sqdocs-kai.conf; else target="$HOME/.config/fontconfig/conf.d/99-sqdocs-kai.conf"; fi
if ! cmp -s "$conf" "$target" 2>/dev/null; then
  mkdir -p "$(dirname "$target")" && cp "$conf" "$target" && fc-cache -f >/dev/null 2>&1 || true
fi

# Debian's own Python 3.11 or later (the one python3-venv is for) unless PYTHON names another,
# even where another python3 comes first on PATH: Debian builds it with profile-guided and
# link-time optimisation, and an interpreter built without them (as pyenv builds by default)
# renders the documents about a quarter slower.
if [[ -n "${PYTHON:-}" ]]; then
  python=$PYTHON
elif /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  python=/usr/bin/python3
else
  python=python3
fi
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
extras=""; [[ "${1:-}" == "--test" ]] && extras="[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
# Bytecode now, as a regular install would write it: where PYTHONDONTWRITEBYTECODE is set, every
# command would otherwise compile the whole package again before doing anything (0.15 s).
.venv/bin/python -m compileall -q sqdocs
