# Cross build for 64-bit Arm (little-endian, unsigned char, 128-bit long
# double): cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# See cross-debian.cmake and docs/portability.md.
set(SHADOW86_CROSS_TRIPLE aarch64-linux-gnu)
set(SHADOW86_CROSS_PROCESSOR aarch64)
set(SHADOW86_CROSS_QEMU_ARCH aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-debian.cmake)
