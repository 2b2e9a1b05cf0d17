# Sourced by the fuzz scripts: builds TRQFrame's C kernels (CFrameKernels) with AddressSanitizer
# into $1 and sets `kernels` (the objects) and `kernel_module` (a folder with their module map).
kernel_module=$1/modules/CFrameKernels
mkdir -p "$kernel_module"
printf 'module CFrameKernels {\n    header "%s"\n    export *\n}\n' "$PWD/Sources/CFrameKernels/include/frame_kernels.h" \
    > "$kernel_module/module.modulemap"
kernels=()
for c in Sources/CFrameKernels/*.c; do
    clang -O2 -fsanitize=address -I Sources/CFrameKernels/include -c "$c" -o "$1/$(basename "$c" .c).o"
    kernels+=("$1/$(basename "$c" .c).o")
done
