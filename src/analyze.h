/*-------------------------------------------------------------------------
 *
 * analyze.h
 *		ANALYZE of a foreign table: a sample of its live records.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_ANALYZE_H
#define DS_ANALYZE_H

#include "foreign/fdwapi.h"

extern bool ds_analyze_table(Relation relation, AcquireSampleRowsFunc *func,
							 BlockNumber *totalpages);

#endif							/* DS_ANALYZE_H */
