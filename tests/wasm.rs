//! The JS boundary under Node (wasm-bindgen-test): conversions, error classes, no trap after bad input.
#![cfg(target_arch = "wasm32")]

use js_sys::{Date, Object, Reflect, JSON};
use scw_functions_auth::{decode_token, FunctionsClient, PrivateFunction};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

fn js(source: &str) -> JsValue {
    JSON::parse(source).expect("test JSON")
}

fn prop(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap_or_default()
}

fn assert_validation(error: JsValue, field: &str) {
    assert!(error.is_instance_of::<js_sys::Error>(), "an Error");
    assert_eq!(prop(&error, "name"), "ValidationError");
    assert_eq!(prop(&error, "field"), field);
    assert_eq!(prop(&error, "type"), "validation_error");
}

/// The error of a refused constructor (the classes are not Debug, so no `expect_err`).
fn refused<T>(result: Result<T, JsValue>) -> JsValue {
    match result {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

fn client() -> FunctionsClient {
    FunctionsClient::new(js(
        r#"{"secretKey":"11111111-2222-4333-8444-555555555555","apiUrl":"http://127.0.0.1:9"}"#,
    ))
    .expect("valid options")
}

#[wasm_bindgen_test]
fn a_refused_constructor_throws_a_validation_error_and_the_next_one_works() {
    for (options, field) in [
        (JsValue::from(7), "options"),
        (js(r#"{"secretKey":""}"#), "secretKey"),
        (
            js(r#"{"secretKey":"11111111-2222-4333-8444-555555555555","region":"mars"}"#),
            "region",
        ),
        (
            js(r#"{"secretKey":"11111111-2222-4333-8444-555555555555","apiUrl":"ftp://x"}"#),
            "apiUrl",
        ),
        (
            js(r#"{"secretKey":"11111111-2222-4333-8444-555555555555","retries":-1}"#),
            "retries",
        ),
    ] {
        assert_validation(refused(FunctionsClient::new(options)), field);
        client();
    }
}

#[wasm_bindgen_test]
async fn a_bad_id_rejects_the_promise_before_any_request() {
    let c = client();
    for bad in [
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from("../x"),
        JsValue::from(1.5),
        Object::new().into(),
    ] {
        let error = JsFuture::from(c.get_token(bad, JsValue::UNDEFINED))
            .await
            .expect_err("rejected");
        assert_validation(error, "id");
    }
}

#[wasm_bindgen_test]
fn error_classes_are_scw_errors_with_their_own_name() {
    let error = refused(PrivateFunction::new(js(r#"{"url":"https://f.example"}"#)));
    assert_validation(error.clone(), "token");
    let proto = Object::get_prototype_of(&Object::get_prototype_of(&error));
    assert_eq!(prop(&proto, "name"), "ScwError");
    assert!(PrivateFunction::new(js(r#"{"url":"https://f.example","token":"t"}"#)).is_ok());
}

#[wasm_bindgen_test]
fn decoded_claims_are_a_plain_object_and_the_expiry_a_date() {
    // payload {"jti":"t","exp":1738076138}
    let decoded =
        decode_token("e30.eyJqdGkiOiJ0IiwiZXhwIjoxNzM4MDc2MTM4fQ.c2ln".into()).expect("decoded");
    assert_eq!(prop(&prop(&decoded, "claims"), "jti"), "t");
    let expires: Date = prop(&decoded, "expiresAt").dyn_into().expect("a Date");
    assert_eq!(expires.get_time(), 1_738_076_138_000.0);
    assert_validation(decode_token("a.b".into()).expect_err("refused"), "token");
    assert!(
        decode_token("e30.e30.c2ln".into()).is_ok(),
        "no trap after a refused token"
    );
}
