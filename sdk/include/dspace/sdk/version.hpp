// dspace plugin SDK: the SDK's own version as text.
#pragma once

#include "abi.h"

#define DSPACE_SDK_STRINGIFY_(x) #x
#define DSPACE_SDK_STRINGIFY(x) DSPACE_SDK_STRINGIFY_(x)

//! "MAJOR.MINOR" of the SDK ABI, e.g. "1.0".
#define DSPACE_SDK_VERSION_STRING \
    DSPACE_SDK_STRINGIFY(DSPACE_SDK_ABI_MAJOR) "." DSPACE_SDK_STRINGIFY(DSPACE_SDK_ABI_MINOR)
