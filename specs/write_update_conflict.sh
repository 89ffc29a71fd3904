# The DynamoDB table of specs/write_update_conflict.spec.
node "$DDB_TEST_DIR"/ddb.js create-table iso_update
