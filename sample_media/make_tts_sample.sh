#!/usr/bin/env bash
# Regenerate the synthetic sample conversation (gesprek_tts.*).
#
# Why this wrapper exists: the mbrola Dutch voices (mbrola-nl2, mbrola-nl3) and the
# mbrola binary live in Debian bookworm's `contrib` / `non-free` components, which the
# default apt sources of our dev machines do not enable. We do NOT want to change the
# machine's apt configuration permanently, so this script:
#   1. writes a temporary deb822 sources file (main + contrib + non-free) in a temp dir,
#   2. points apt at that dir and at a private package-list dir
#      (Dir::Etc::sourcelist / Dir::Etc::sourceparts / Dir::State::Lists), so the
#      system's own /var/lib/apt/lists and /etc/apt/sources.list.d stay untouched,
#   3. installs espeak-ng, mbrola, mbrola-nl2, mbrola-nl3 and ffmpeg,
#   4. removes the temp dir again (trap), and runs make_tts_sample.py.
#
# Only the generator needs this. CI never does: the generated media are committed.
#
# Usage (from the repository root, as root or with sudo available):
#   bash sample_media/make_tts_sample.sh            # install deps if missing, generate, check WER
#   SKIP_APT=1 bash sample_media/make_tts_sample.sh # never touch apt
#   FORCE_APT=1 bash sample_media/make_tts_sample.sh --no-wer  # run the apt step even if installed
# Extra arguments are passed through to make_tts_sample.py.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/.." && pwd)"
python="${PYTHON:-${repo}/.venv/bin/python}"

need_apt=0
for bin in espeak-ng mbrola ffmpeg; do
    command -v "${bin}" >/dev/null 2>&1 || need_apt=1
done
for voice in /usr/share/mbrola/nl2/nl2 /usr/share/mbrola/nl3/nl3; do
    [[ -e "${voice}" ]] || need_apt=1
done

[[ "${FORCE_APT:-0}" == "1" ]] && need_apt=1
if [[ "${SKIP_APT:-0}" != "1" && "${need_apt}" == "1" ]]; then
    sudo=""
    [[ "$(id -u)" == "0" ]] || sudo="sudo"
    tmp="$(mktemp -d)"
    trap 'rm -rf "${tmp}"' EXIT
    mkdir -p "${tmp}/sources.d" "${tmp}/lists/partial"
    # Same mirror / suite / keyring as the machine's debian.sources, plus contrib and non-free.
    cat >"${tmp}/sources.d/kijkwijzer-generator.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt_opts=(
        -o "Dir::Etc::sourcelist=/dev/null"
        -o "Dir::Etc::sourceparts=${tmp}/sources.d"
        -o "Dir::State::Lists=${tmp}/lists"
    )
    ${sudo} apt-get "${apt_opts[@]}" update
    DEBIAN_FRONTEND=noninteractive ${sudo} apt-get "${apt_opts[@]}" install -y --no-install-recommends \
        espeak-ng mbrola mbrola-nl2 mbrola-nl3 ffmpeg
fi

cd "${repo}"
exec "${python}" sample_media/make_tts_sample.py "$@"
