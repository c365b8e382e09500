#!/usr/bin/env bash
# Installs the library from build/ into a temporary prefix and uses it the way another
# project would: examples/consumer built with find_package (shared and static) and with
# pkg-config, run each time; then checks the public headers include none of our
# dependencies, the shared library exports only keras:: symbols, and builds the .deb.
# Needs a finished ./scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

cmake --install build --prefix "$prefix" > "$work/install.log"
libdir=$(find "$prefix" -name libkeras.so -printf '%h\n' | head -1)
[[ -n "$libdir" ]] || { echo "check_install: libkeras.so was not installed" >&2; exit 1; }
echo "installed: $(cd "$prefix" && find . -name 'libkeras*' -o -name '*.cmake' -o -name '*.pc' | sort | tr '\n' ' ')"
echo "soname: $(readelf -d "$libdir/libkeras.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"

if grep -rnE '#include *[<"](dnnl|oneapi|hdf5|H5|zip\.h|zlib|omp\.h|png|jpeglib|google/)' "$prefix/include"; then
  echo "check_install: a public header includes a dependency's header (above)" >&2; exit 1
fi
leaked=$(nm -D --defined-only "$libdir/libkeras.so" | c++filt | cut -d' ' -f3- | grep -v 'keras::' | grep -vE '^(_init|_fini|__bss_start|_edata|_end)$' || true)
if [[ -n "$leaked" ]]; then
  echo "check_install: libkeras.so exports symbols outside keras::" >&2; echo "$leaked" | head -20 >&2; exit 1
fi
echo "exports: $(nm -D --defined-only "$libdir/libkeras.so" | wc -l) symbols, all keras::"

for variant in shared static; do
  static=OFF; [[ $variant == static ]] && static=ON
  cmake -S examples/consumer -B "$work/consumer-$variant" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DKERAS_CONSUMER_STATIC=$static > "$work/configure-$variant.log"
  cmake --build "$work/consumer-$variant" > "$work/build-$variant.log" || { cat "$work/build-$variant.log"; exit 1; }
  echo -n "find_package ($variant): "; "$work/consumer-$variant/consumer"
done
if [[ "$(ldd "$work/consumer-shared/consumer")" != *"$libdir/libkeras.so"* ]]; then
  echo "check_install: the shared consumer does not load the installed libkeras.so" >&2; exit 1
fi

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
c++ -O2 examples/consumer/main.cpp -o "$work/consumer-pc" $(pkg-config --cflags --libs keras-cpp) -Wl,-rpath,"$libdir"
echo -n "pkg-config (shared): "; "$work/consumer-pc"
# shellcheck disable=SC2046
c++ -O2 examples/consumer/main.cpp -o "$work/consumer-pc-static" $(pkg-config --static --cflags keras-cpp) \
  "$libdir/libkeras.a" $(pkg-config --static --libs keras-cpp | sed 's/-lkeras//')
echo -n "pkg-config (static): "; "$work/consumer-pc-static"

(cd build && cpack -G DEB > "$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
deb=$(ls -t build/keras-cpp_*.deb | head -1)
echo "deb: $deb"
dpkg-deb -f "$deb" Package Version Depends
echo "check_install: ok"
