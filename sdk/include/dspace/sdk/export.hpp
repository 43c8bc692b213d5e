// dspace plugin SDK: symbol visibility.
//
// Plugins are built with hidden visibility; only the entry point is exported.
// Interface classes stay visible so their type information matches on both
// sides (Boost's BOOST_SYMBOL_VISIBLE).
#pragma once

#if defined(_WIN32)
#define DSPACE_PLUGIN_EXPORT __declspec(dllexport)
#define DSPACE_SDK_VISIBLE
#else
//! Marks the plugin entry point as exported from the shared object.
#define DSPACE_PLUGIN_EXPORT __attribute__((visibility("default")))
//! Keeps an SDK interface class's type information visible across the boundary.
#define DSPACE_SDK_VISIBLE __attribute__((visibility("default")))
#endif
