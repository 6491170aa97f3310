#!/usr/bin/env bash
# The CMake package of an installed libmpgs (scripts/install-c.sh calls it, so `make install`
# and the C tarball of `make dist` both have it): PREFIX/lib/cmake/mpgs/mpgsConfig.cmake and
# mpgsConfigVersion.cmake, for `find_package(mpgs 0.1 REQUIRED)` then
#   target_link_libraries(app PRIVATE mpgs::mpgs)          # the shared library
#   target_link_libraries(app PRIVATE mpgs::mpgs_static)   # the static one, with the system
#                                                          # libraries it needs
# Relocatable like mpgs.pc: the prefix is found from where the file is. The static target's
# system libraries are mpgs.pc's Libs.private (rustc's --print native-static-libs), -lpthread as
# Threads::Threads. The version file accepts the same MAJOR.MINOR and an equal or lower patch
# (SameMinorVersion: a 0.x minor release may break the ABI), and only 64-bit builds.
#   scripts/install-cmake.sh PREFIX
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:?usage: install-cmake.sh PREFIX}
version=$(scripts/version.sh)
IFS=. read -r major minor _ <<<"$version"
lib=$prefix/lib
soname=$(readelf -d "$lib/libmpgs.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "install-cmake.sh: $lib/libmpgs.so.$version has no SONAME" >&2; exit 1; }
private=$(sed -n 's/^Libs.private: *//p' "$lib/pkgconfig/mpgs.pc")
[ -n "$private" ] || { echo "install-cmake.sh: $lib/pkgconfig/mpgs.pc has no Libs.private" >&2; exit 1; }
links=()
for flag in $private; do
  case $flag in
    -lpthread) links+=(Threads::Threads) ;;
    -l*) links+=("${flag#-l}") ;;
    *) echo "install-cmake.sh: unexpected Libs.private flag $flag" >&2; exit 1 ;;
  esac
done
links_list=$(IFS=';'; echo "${links[*]}")
mkdir -p "$lib/cmake/mpgs"
cat >"$lib/cmake/mpgs/mpgsConfig.cmake" <<CMAKE
# find_package(mpgs): libmpgs $version, a client for the Mastercard Payment Gateway REST API.
#   mpgs::mpgs         the shared library (lib/libmpgs.so.$version, SONAME $soname)
#   mpgs::mpgs_static  the static library (lib/libmpgs.a) with the system libraries it needs
# Both carry the include directory (include/: mpgs.h, mpgs.hpp). Relocatable: the prefix is
# found from this file's place. Written by scripts/install-cmake.sh.
include(CMakeFindDependencyMacro)
find_dependency(Threads)

get_filename_component(_mpgs_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT TARGET mpgs::mpgs)
  add_library(mpgs::mpgs SHARED IMPORTED)
  set_target_properties(mpgs::mpgs PROPERTIES
    IMPORTED_LOCATION "\${_mpgs_prefix}/lib/libmpgs.so.$version"
    IMPORTED_SONAME "$soname"
    INTERFACE_INCLUDE_DIRECTORIES "\${_mpgs_prefix}/include")
endif()

if(NOT TARGET mpgs::mpgs_static)
  add_library(mpgs::mpgs_static STATIC IMPORTED)
  set_target_properties(mpgs::mpgs_static PROPERTIES
    IMPORTED_LOCATION "\${_mpgs_prefix}/lib/libmpgs.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "\${_mpgs_prefix}/include"
    INTERFACE_LINK_LIBRARIES "$links_list")
endif()

set(mpgs_INCLUDE_DIRS "\${_mpgs_prefix}/include")
unset(_mpgs_prefix)
CMAKE
cat >"$lib/cmake/mpgs/mpgsConfigVersion.cmake" <<CMAKE
# The version of libmpgs this prefix holds, and which requests it satisfies: the same
# MAJOR.MINOR ($major.$minor) at a patch no higher than $version's (0.x minor releases may break
# the ABI; SameMinorVersion in CMake's terms), for 64-bit builds. Written by scripts/install-cmake.sh.
set(PACKAGE_VERSION "$version")

if(PACKAGE_FIND_VERSION_RANGE)
  set(_mpgs_wanted "\${PACKAGE_FIND_VERSION_MIN}")
else()
  set(_mpgs_wanted "\${PACKAGE_FIND_VERSION}")
endif()

if(NOT _mpgs_wanted)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
elseif(PACKAGE_VERSION VERSION_LESS _mpgs_wanted)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  string(REGEX MATCH "^[0-9]+\\\\.[0-9]+" _mpgs_wanted_minor "\${_mpgs_wanted}.0")
  if(_mpgs_wanted_minor STREQUAL "$major.$minor")
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
  else()
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  endif()
  if(_mpgs_wanted STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()

if(PACKAGE_FIND_VERSION_RANGE AND PACKAGE_VERSION_COMPATIBLE)
  if((PACKAGE_FIND_VERSION_RANGE_MAX STREQUAL "INCLUDE" AND PACKAGE_VERSION VERSION_GREATER PACKAGE_FIND_VERSION_MAX)
     OR (PACKAGE_FIND_VERSION_RANGE_MAX STREQUAL "EXCLUDE" AND PACKAGE_VERSION VERSION_GREATER_EQUAL PACKAGE_FIND_VERSION_MAX))
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  endif()
endif()

if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P STREQUAL "8")
  math(EXPR _mpgs_bits "\${CMAKE_SIZEOF_VOID_P} * 8")
  set(PACKAGE_VERSION "\${PACKAGE_VERSION} (64-bit, not \${_mpgs_bits}-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()
unset(_mpgs_wanted)
unset(_mpgs_wanted_minor)
CMAKE
