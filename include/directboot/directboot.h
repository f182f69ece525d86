/* SPDX-License-Identifier: MIT */
/*
 * libdirectboot's whole public API in one include.  See libdirectboot(3)
 * for an overview; each header documents its functions' ownership,
 * lifetimes and errors.
 */
#ifndef DIRECTBOOT_DIRECTBOOT_H
#define DIRECTBOOT_DIRECTBOOT_H

#include "directboot/bootparam.h"
#include "directboot/bzimage.h"
#include "directboot/elf.h"
#include "directboot/error.h"
#include "directboot/hvm_start_info.h"
#include "directboot/image.h"
#include "directboot/payload.h"
#include "directboot/plan.h"
#include "directboot/version.h"

#endif
