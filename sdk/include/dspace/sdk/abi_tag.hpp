// dspace plugin SDK: the ABI tag.
//
// After the C handshake, plugins and host exchange C++ objects (std::string,
// virtual interfaces). That is safe only when both sides agree on the C++ ABI:
// platform, C++ ABI family and standard library with its ABI flags. This header
// spells those facts into one string; the host refuses a plugin whose tag
// differs from its own, with both tags in the message.
#pragma once

#include <cstddef> // brings in the standard library's configuration macros

#if defined(__linux__)
#define DSPACE_SDK_TAG_OS "linux"
#elif defined(__APPLE__)
#define DSPACE_SDK_TAG_OS "macos"
#elif defined(_WIN32)
#define DSPACE_SDK_TAG_OS "windows"
#else
#define DSPACE_SDK_TAG_OS "unknown-os"
#endif

#if defined(__x86_64__) || defined(_M_X64)
#define DSPACE_SDK_TAG_ARCH "x86_64"
#elif defined(__aarch64__) || defined(_M_ARM64)
#define DSPACE_SDK_TAG_ARCH "aarch64"
#else
#define DSPACE_SDK_TAG_ARCH "unknown-arch"
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define DSPACE_SDK_TAG_CXXABI "msvc"
#else
#define DSPACE_SDK_TAG_CXXABI "itanium"
#endif

#if defined(_LIBCPP_VERSION)
#define DSPACE_SDK_TAG_STDLIB "libc++"
#elif defined(__GLIBCXX__)
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define DSPACE_SDK_TAG_STDLIB "libstdc++-cxx11"
#else
#define DSPACE_SDK_TAG_STDLIB "libstdc++-cow"
#endif
#elif defined(_MSC_VER)
#define DSPACE_SDK_TAG_STDLIB "msvcprt"
#else
#define DSPACE_SDK_TAG_STDLIB "unknown-stdlib"
#endif

//! The ABI tag this translation unit is compiled with, e.g. "linux-x86_64-itanium-libstdc++-cxx11".
#define DSPACE_SDK_ABI_TAG \
    DSPACE_SDK_TAG_OS "-" DSPACE_SDK_TAG_ARCH "-" DSPACE_SDK_TAG_CXXABI "-" DSPACE_SDK_TAG_STDLIB
