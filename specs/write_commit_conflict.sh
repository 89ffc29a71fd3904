# The DynamoDB table of specs/write_commit_conflict.spec.
node "$DDB_TEST_DIR"/ddb.js create-table iso_commit
