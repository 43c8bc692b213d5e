/* dspace plugin SDK: the C handshake.
 *
 * Everything in this file is plain C so that the host can check a plugin before
 * any C++ object crosses the boundary (PostgreSQL's PG_MODULE_MAGIC, LLVM's
 * llvmGetPassPluginInfo). A plugin exports exactly one function,
 * dspace_plugin_entry(), returning a pointer to a static descriptor. Plugin
 * authors do not write this by hand: DSPACE_PLUGIN(...) in plugin.hpp does. */
#ifndef DSPACE_SDK_ABI_H
#define DSPACE_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

/* SDK ABI version. Major must equal the host's; minor must not be newer. */
#define DSPACE_SDK_ABI_MAJOR 1
#define DSPACE_SDK_ABI_MINOR 1

/* "DSP1": the first four bytes of every descriptor. */
#define DSPACE_PLUGIN_MAGIC 0x44535031u

/* Name of the one symbol every plugin exports. */
#define DSPACE_PLUGIN_ENTRY_SYMBOL "dspace_plugin_entry"

/* Kind bits of dspace_plugin_descriptor.kinds. */
#define DSPACE_KIND_FLAVOUR 1u
#define DSPACE_KIND_MIGRATOR 2u
#define DSPACE_KIND_SNAPSHOTTER 4u

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque in C; a dspace::sdk::Registrar in C++. */
typedef struct dspace_registrar dspace_registrar;

/* What a plugin tells the host about itself. Padding-free on every LP64 and
 * ILP32 platform; never reorder fields, only append before `reserved`. */
typedef struct dspace_plugin_descriptor {
    uint32_t magic;       /* DSPACE_PLUGIN_MAGIC */
    uint32_t struct_size; /* sizeof(dspace_plugin_descriptor) as the plugin was compiled */
    uint16_t abi_major;   /* DSPACE_SDK_ABI_MAJOR the plugin was built with */
    uint16_t abi_minor;   /* DSPACE_SDK_ABI_MINOR the plugin was built with */
    uint32_t kinds;       /* DSPACE_KIND_* bits */
    const char *abi_tag;  /* compiler family + standard library ABI + platform */
    const char *name;     /* plugin name; the file is dspace_<kind>_<name>.so */
    const char *version;  /* plugin version (semver) */
    /* Registers the plugin's objects. Returns 0 on success; on failure writes a
     * NUL-terminated message of at most err_len bytes into err. Never throws. */
    int (*register_fn)(dspace_registrar *registrar, char *err, size_t err_len);
    void *reserved[4]; /* zero; room to grow within a major version */
} dspace_plugin_descriptor;

/* The type of dspace_plugin_entry. */
typedef const dspace_plugin_descriptor *(*dspace_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* DSPACE_SDK_ABI_H */
