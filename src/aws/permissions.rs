//! The IAM actions Parapet uses and the least-privilege policy `parapet policy` prints.
