# The DynamoDB table of specs/write_delete_conflict.spec.
node "$DDB_TEST_DIR"/ddb.js create-table iso_delete
