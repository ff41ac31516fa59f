/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Links overlayfs' layer clones to their overlay mount (overlay.c).
 */
#ifndef NSI_OVERLAY_H
#define NSI_OVERLAY_H

#include "model.h"

/* Set layer_of and layer of each internal clone that is an overlay's layer. */
void nsi_link_overlays(struct nsi_model *m);

#endif /* NSI_OVERLAY_H */
