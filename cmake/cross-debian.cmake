# Shared part of the Debian cross toolchain files (aarch64-linux-gnu.cmake,
# s390x-linux-gnu.cmake): each sets SHADOW86_CROSS_TRIPLE and
# SHADOW86_CROSS_PROCESSOR, then includes this.
#
# Compiler: clang --target=<triple>, linking with Debian's
# binutils-<triple>. Not gcc-<triple>: Debian's gcc-multilib, which the
# native build needs for gcc -m32 (guest programs, the hostdiff runner),
# conflicts with every gcc cross compiler, while clang is already part of
# the native set-up. -DSHADOW86_CROSS_CC=<triple>-gcc uses the gcc cross
# compiler instead on a machine without gcc-multilib.
# Libraries: the multiarch packages of the target architecture
# (dpkg --add-architecture; libc6-dev:<arch>, libgcc-12-dev:<arch>,
# libcapstone-dev:<arch> and the rest), found through pkg-config in
# /usr/lib/<triple>/pkgconfig. Tests run under qemu-<arch>-static (Debian's
# qemu-user-static), which finds the multiarch loader and libraries where a
# host of that architecture has them: ctest prefixes every test whose
# command is a target with CMAKE_CROSSCOMPILING_EMULATOR, and the scripts
# that run shadow86 get it through wrappers (tests/CMakeLists.txt). The i386
# guest programs are still built by the build machine's nasm and gcc -m32.
#
# scripts/test.sh --cross <arch> installs all of it and uses this file.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${SHADOW86_CROSS_PROCESSOR})

set(SHADOW86_CROSS_CC clang CACHE STRING "C compiler of the cross build (clang or <triple>-gcc)")
set(CMAKE_C_COMPILER ${SHADOW86_CROSS_CC})
if(SHADOW86_CROSS_CC MATCHES "clang")
  set(CMAKE_C_COMPILER_TARGET ${SHADOW86_CROSS_TRIPLE})
endif()
# binutils of the target (nm for scripts/check_layers.py, ar, ranlib).
set(CMAKE_NM ${SHADOW86_CROSS_TRIPLE}-nm CACHE FILEPATH "nm of the target")
set(CMAKE_AR ${SHADOW86_CROSS_TRIPLE}-ar CACHE FILEPATH "ar of the target")
set(CMAKE_RANLIB ${SHADOW86_CROSS_TRIPLE}-ranlib CACHE FILEPATH "ranlib of the target")

# Multiarch: the target's libraries live in /usr/lib/<triple>; only its
# .pc files are to be seen (PKG_CONFIG_LIBDIR replaces the default path).
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${SHADOW86_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
set(CMAKE_LIBRARY_ARCHITECTURE ${SHADOW86_CROSS_TRIPLE})

# Programs (nasm, gcc -m32 for the guests, python3) are the build
# machine's; libraries and headers the target's.
set(CMAKE_FIND_ROOT_PATH /usr/${SHADOW86_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# qemu-user: the multiarch loader (/lib/ld-linux-<arch>...) and libraries
# (/usr/lib/<triple>) are where the program asks for them, as on a real
# host of that architecture, so no -L prefix is needed.
find_program(SHADOW86_CROSS_QEMU qemu-${SHADOW86_CROSS_QEMU_ARCH}-static)
if(NOT SHADOW86_CROSS_QEMU)
  message(FATAL_ERROR "qemu-${SHADOW86_CROSS_QEMU_ARCH}-static not found: install qemu-user-static "
                      "(scripts/test.sh --cross ${SHADOW86_CROSS_PROCESSOR} does)")
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR ${SHADOW86_CROSS_QEMU})
