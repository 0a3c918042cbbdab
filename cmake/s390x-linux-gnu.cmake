# Cross build for IBM Z (big-endian, unsigned char, 128-bit long double):
# cmake -S . -B build-s390x -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.cmake
# See cross-debian.cmake and docs/portability.md.
set(SHADOW86_CROSS_TRIPLE s390x-linux-gnu)
set(SHADOW86_CROSS_PROCESSOR s390x)
set(SHADOW86_CROSS_QEMU_ARCH s390x)
include(${CMAKE_CURRENT_LIST_DIR}/cross-debian.cmake)
