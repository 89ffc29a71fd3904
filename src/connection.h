/*-------------------------------------------------------------------------
 *
 * connection.h
 *		The backend's DynamoDB clients, one per server and user mapping.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DS_CONNECTION_H
#define DS_CONNECTION_H

#include "foreign/foreign.h"

#include "option.h"

/*
 * Point opts->aws at the client and credentials of the server and user
 * mapping, made on first use and kept until ALTER or DROP of either, or
 * dynastore_fdw_disconnect.  Raises when the mapping has no keys and the
 * server does not allow the credential chain.
 */
extern void ds_connection_attach(DsTableOptions *opts, ForeignServer *server,
								 UserMapping *mapping);

#endif							/* DS_CONNECTION_H */
