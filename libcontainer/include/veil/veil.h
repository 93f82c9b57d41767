/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* libveil: the umbrella header. */
#include <veil/context.h>
#include <veil/error.h>
#include <veil/plan.h>
#include <veil/spec.h>
