#!/usr/bin/env bash
# Give training the native TensorFlow backend (@tensorflow/tfjs-node) on a machine that reaches the package
# registries but not Google's download host. Idempotent; prints nothing when tfjs-node already loads.
#
# tfjs-node's install script downloads a libtensorflow tarball from storage.googleapis.com, which is unreachable
# here. The same C library ships in PyPI's tensorflow-cpu wheel (TF_*/TFE_* split across libtensorflow_cc.so.2 and
# libtensorflow_framework.so.2, with the C headers), so this script lays the wheel out as a libtensorflow tarball,
# serves it on loopback under the name the installer asks for, and lets the installer (TFJS_NODE_BASE_URI) download
# it and build the addon with node-gyp. The wheel and the tarball are cached under .cache/tfjs-native/.
#
# Any failure prints one line and exits 0: the code then falls back to wasm (training/kernels/backend.ts).
set -uo pipefail
cd "$(dirname "$0")/.."

# The C library to take from PyPI. 2.9.1 is the libtensorflow version tfjs-node 4.x asks for (its file name only:
# the binding builds against whatever C API the headers declare).
TF_VERSION=2.21.0
WHEEL_PLATFORM=manylinux_2_27_x86_64
LIBTF_NAME=libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz

loads() { node -e "require('@tensorflow/tfjs-node')" >/dev/null 2>&1; }
loads && exit 0

CACHE="$PWD/.cache/tfjs-native"
LOG="$CACHE/install.log"
unavailable() {
  echo "tfjs-native: the native TensorFlow backend is unavailable ($*); training falls back to wasm." >&2
  exit 0
}
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || unavailable "this route builds linux x86_64 only, not $(uname -s)-$(uname -m)"
mkdir -p "$CACHE" || unavailable "cannot create $CACHE"
# One run at a time (.ci/run and a quickstart may start together); the second finds the first one's result.
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.lock"
  flock -w 600 9 || unavailable "another run of scripts/tfjs-native.sh holds $CACHE/.lock"
  loads && exit 0
fi
: >"$LOG"
first_error() { grep -m1 -E 'error|Error|ERR!' "$LOG" | cut -c1-200 || tail -1 "$LOG"; }
# Everything below shares one time budget, so that a slow mirror or a stuck build cannot hold up CI.
deadline=$((SECONDS + 300))
bounded() {
  local left=$((deadline - SECONDS)) rc
  [ "$left" -gt 0 ] || return 124
  timeout "$left" "$@"
  rc=$?
  [ "$rc" -ne 124 ] || echo "tfjs-native: timed out (the budget is 300 s): $*" >>"$LOG"
  return "$rc"
}

for tool in python3 make g++; do
  command -v "$tool" >/dev/null || unavailable "$tool is not installed"
done
python3 -m pip --version >/dev/null 2>&1 || unavailable "pip is not installed for python3"
# tfjs-node declares @tensorflow/tfjs as an exact dependency: the two must be the same version.
TFJS_VERSION="$(node -p "require('@tensorflow/tfjs/package.json').version" 2>/dev/null)" ||
  unavailable "@tensorflow/tfjs is not installed (run npm install first)"

# 1. The wheel (about 270 MB).
wheel="$(ls "$CACHE"/tensorflow_cpu-"$TF_VERSION"-*.whl 2>/dev/null | head -1)"
if [ -z "$wheel" ]; then
  # --python-version/--platform: the C library is the same in every cp3x wheel, so the local Python does not matter.
  bounded python3 -m pip download --quiet --progress-bar off --no-deps --only-binary=:all: \
    --implementation cp --python-version 3.11 --platform "$WHEEL_PLATFORM" \
    -d "$CACHE" "tensorflow-cpu==$TF_VERSION" >>"$LOG" 2>&1 ||
    unavailable "pip could not download tensorflow-cpu==$TF_VERSION from PyPI: $(tail -1 "$LOG")"
  wheel="$(ls "$CACHE"/tensorflow_cpu-"$TF_VERSION"-*.whl | head -1)"
fi

# 2. The wheel laid out as a libtensorflow tarball (include/ + lib/), compressed fast (gzip -1, about 210 MB).
SERVE="$CACHE/tf-$TF_VERSION"
if [ ! -s "$SERVE/$LIBTF_NAME" ]; then
  stage="$CACHE/stage"
  rm -rf "$stage" && mkdir -p "$SERVE"
  # A wheel that cannot be read is deleted, so that the next run downloads it again.
  python3 - "$wheel" "$stage" >>"$LOG" 2>&1 <<'PY' || { rm -f "$wheel"; unavailable "the wheel could not be laid out as libtensorflow: $(tail -1 "$LOG")"; }
import os, re, shutil, sys, zipfile

wheel, stage = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
INC = "tensorflow/include/"

# Only the headers the binding includes, and what they include in turn (the wheel's include/ is 270 MB).
todo = ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h", "tensorflow/c/tf_datatype.h",
        "tensorflow/c/tf_status.h", "tensorflow/c/tf_tensor.h", "tensorflow/core/platform/ctstring_internal.h"]
seen = set()
while todo:
    h = todo.pop()
    if h in seen:
        continue
    seen.add(h)
    if INC + h not in names:
        sys.exit(f"header {h} is not in the wheel")
    text = z.read(INC + h).decode("utf-8", "replace")
    for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M):
        if INC + inc in names:
            todo.append(inc)
for h in seen:
    out = os.path.join(stage, "include", h)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with z.open(INC + h) as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)

lib = os.path.join(stage, "lib")
os.makedirs(lib)
for so in ("libtensorflow_cc.so.2", "libtensorflow_framework.so.2"):
    with z.open("tensorflow/" + so) as src, open(os.path.join(lib, so), "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 24)
# The names the installer and binding.gyp look for (-ltensorflow -ltensorflow_framework, the 2.9.1 sonames).
for link, target in {"libtensorflow.so": "libtensorflow.so.2", "libtensorflow.so.2": "libtensorflow_cc.so.2",
                     "libtensorflow.so.2.9.1": "libtensorflow_cc.so.2",
                     "libtensorflow_framework.so": "libtensorflow_framework.so.2",
                     "libtensorflow_framework.so.2.9.1": "libtensorflow_framework.so.2"}.items():
    os.symlink(target, os.path.join(lib, link))
print(f"laid out {len(seen)} headers and 2 libraries from {os.path.basename(wheel)}")
PY
  { tar -C "$stage" -cf - include lib | gzip -1 >"$SERVE/$LIBTF_NAME.partial"; } 2>>"$LOG" ||
    unavailable "the libtensorflow tarball could not be written: $(tail -1 "$LOG")"
  mv "$SERVE/$LIBTF_NAME.partial" "$SERVE/$LIBTF_NAME"
  rm -rf "$stage"
fi

# 3. Serve it on loopback. The installer only speaks http(s) (no file://).
portfile="$CACHE/server.port"
rm -f "$portfile"
node -e '
  const fs = require("fs"), http = require("http"), path = require("path");
  const [dir, portfile] = process.argv.slice(1);
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(decodeURIComponent(req.url.split("?")[0])));
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) { res.writeHead(404).end(); return; }
      res.writeHead(200, { "content-length": st.size, "content-type": "application/gzip" });
      fs.createReadStream(file).pipe(res);
    });
  });
  server.listen(0, "127.0.0.1", () => fs.writeFileSync(portfile, String(server.address().port)));
' "$SERVE" "$portfile" >>"$LOG" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT
for _ in $(seq 1 50); do [ -s "$portfile" ] && break; sleep 0.1; done
[ -s "$portfile" ] || unavailable "the loopback file server did not start: $(tail -1 "$LOG")"

# 4. Install. npm runs tfjs-node's install script (download, unpack into its deps/, node-gyp build) when it adds the
# package (this npm runs scripts unless package.json's allowScripts denies them). It does not for a package already in
# node_modules whose earlier build failed or was skipped; the script is then run here, with the environment npm
# would give it. The installer sends requests through HTTP(S)_PROXY when set, which must not see a loopback URL.
export TFJS_NODE_BASE_URI="http://127.0.0.1:$(cat "$portfile")/libtensorflow-"
export npm_config_build_from_source=true   # no prebuilt addon download: build against these headers
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy
pkg=node_modules/@tensorflow/tfjs-node
if [ ! -f "$pkg/package.json" ]; then
  # From package.json's optionalDependencies and the lock: package.json and package-lock.json stay as committed.
  bounded npm install --no-audit --no-fund >>"$LOG" 2>&1 || unavailable "npm install failed: $(first_error) (see $LOG)"
  # npm drops an optional package whose install script failed, and carries on.
  [ -f "$pkg/package.json" ] ||
    unavailable "npm install did not keep @tensorflow/tfjs-node: $(first_error) (see $LOG)"
fi
installed="$(node -p "require('./$pkg/package.json').version")"
[ "$installed" = "$TFJS_VERSION" ] ||
  unavailable "@tensorflow/tfjs-node is $installed but @tensorflow/tfjs is $TFJS_VERSION"
if ! loads; then
  nodedir="$(npm config get nodedir 2>/dev/null)"   # local node headers, so node-gyp does not fetch them
  case "$nodedir" in '' | undefined | null) ;; *) export npm_config_nodedir="$nodedir" ;; esac
  (cd "$pkg" && PATH="$PWD/../../.bin:$PATH" bounded node scripts/install.js cpu download) >>"$LOG" 2>&1 ||
    unavailable "building the tfjs-node addon failed: $(first_error) (see $LOG)"
fi

loads || unavailable "@tensorflow/tfjs-node was built but does not load: $(node -e "require('@tensorflow/tfjs-node')" 2>&1 | grep -m1 Error)"
echo "tfjs-native: @tensorflow/tfjs-node $installed built against TensorFlow $TF_VERSION (from the PyPI wheel)"
