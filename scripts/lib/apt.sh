# shellcheck shell=bash
# Debian packages for the scripts (setup.sh, bench.sh): source this file, then
#   apt_install_missing <who> <package>...   installs those not installed yet (apt-get; as root or
#                                            through sudo), saying which: "<who>: installing ..."
#   apt_simulate <package>...                resolves the whole list with `apt-get install -s` (no
#                                            root, nothing installed): checks every name still exists

apt_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

apt_install_missing() {
  local who="$1"
  shift
  local missing
  mapfile -t missing < <(apt_missing_packages "$@")
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "$who: installing ${missing[*]}"
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  # env, not a prefix: sudo would drop a DEBIAN_FRONTEND set in front of it.
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

apt_simulate() {
  local missing
  mapfile -t missing < <(apt_missing_packages "$@")
  echo "missing here: ${missing[*]:-(none)}"
  if ! apt-get install -s -qq --no-install-recommends "$@" >/dev/null; then
    echo "apt-get install -s: the list does not resolve (see above; after 'apt-get update'?)" >&2
    return 1
  fi
  echo "apt-get install -s: all $# packages resolve"
}
