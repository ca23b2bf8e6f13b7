//! The OpenAPI document is a contract with every client: a change to it must
//! be deliberate. `cargo insta review` accepts an intended change.

#[test]
fn openapi_document_is_unchanged() {
    insta::assert_json_snapshot!("openapi", zian_web::openapi::document());
}
