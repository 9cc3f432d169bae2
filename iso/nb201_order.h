/* cellscape internal: the NAS-Bench-201 API's index order (generated). */
#ifndef CS_NB201_ORDER_H
#define CS_NB201_ORDER_H

#include <stdint.h>

#include "cs_nb201.h"

extern const uint16_t cs_nb201_index_code[CS_NB201_CELLS];
extern const uint16_t cs_nb201_code_index[CS_NB201_CELLS];

#endif
