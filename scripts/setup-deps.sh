#!/usr/bin/env bash
# Installs the Debian 12 packages Acdesk needs to build, run and test.
# Idempotent: quiet and quick when everything is already there.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ ccache pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-declarative-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6sql6-sqlite libqt6opengl6-dev
  qml6-module-qtqml-workerscript qml6-module-qtquick qml6-module-qtquick-controls
  qml6-module-qtquick-templates qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qttest qml6-module-qt-labs-settings qml6-module-qtquick-dialogs
  libgl1-mesa-dri libglx-mesa0 fonts-dejavu-core xvfb xauth
  openssl curl tinyproxy nginx dpkg-dev dbus-daemon qt6-multimedia-dev
  libre-dev librem-dev libsodium-dev
)
if [[ "${ACDESK_WITH_BROWSER:-0}" == 1 ]]; then
  # The browser wallboard test drives Debian's chromium with playwright-core from npm;
  # Node comes from Debian unless the machine already has one.
  PACKAGES+=(chromium)
  # ... and the same page in Firefox (puppeteer-core over WebDriver BiDi) and WebKit
  # (WebKitGTK's MiniBrowser through WebKitWebDriver).
  PACKAGES+=(firefox-esr webkit2gtk-driver)
  # The test path also builds and runs the libFuzzer targets (scripts/sanitize.sh).
  PACKAGES+=(clang-14 libclang-rt-14-dev python3)
  # The sip tests: baresip as a phone, SIPp as scripted peers.
  PACKAGES+=(baresip-core sip-tester)
  # The ring tone test: a PulseAudio server of its own, recorded with parec.
  PACKAGES+=(pulseaudio pulseaudio-utils)
  if ! command -v npm >/dev/null 2>&1; then
    PACKAGES+=(nodejs npm)
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "acdesk: installing ${#missing[@]} Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
