// dspace plugin SDK: symbol visibility.
//
// Plugins are built with hidden visibility: they export the entry point and, because
// the SDK's interface classes stay visible (Boost's BOOST_SYMBOL_VISIBLE), the type
// information of those interfaces, so that it matches on both sides. The standard
// library's templates may add a few symbols of their own (GNU unique objects).
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
