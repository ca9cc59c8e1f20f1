use super::*;

#[test]
fn values_parse_trimmed_and_in_any_case_and_print_as_aws_spells_them() {
    assert_eq!(UrlAuthType::parse(" none "), UrlAuthType::None);
    assert_eq!(UrlAuthType::parse("NONE").as_str(), "NONE");
    assert_eq!(PackageType::parse("image"), PackageType::Image);
    assert_eq!(PackageType::Image.to_string(), "Image");
    assert_eq!(ApiProtocol::parse("WebSocket"), ApiProtocol::WebSocket);
    assert!(ApiProtocol::WebSocket == "WEBSOCKET");
}

#[test]
fn an_unknown_value_stays_itself_and_never_reads_as_a_known_one() {
    let v = AuthorizationType::parse("SIGV5");
    assert_eq!(v, AuthorizationType::Other("SIGV5".into()));
    assert_eq!(v.as_str(), "SIGV5");
    assert!(!v.is_open());
    assert!(AuthorizationType::parse("").is_open());
    assert!(AuthorizationType::None.is_open());
    assert!(!AuthorizationType::AwsIam.is_open());
}

#[test]
fn values_serialize_as_the_aws_string() {
    let json = serde_json::to_string(&EndpointType::Private).unwrap();
    assert_eq!(json, "\"PRIVATE\"");
    let back: EndpointType = serde_json::from_str("\"private\"").unwrap();
    assert_eq!(back, EndpointType::Private);
    let other: EndpointType = serde_json::from_str("\"SOMETHING_NEW\"").unwrap();
    assert_eq!(serde_json::to_string(&other).unwrap(), "\"SOMETHING_NEW\"");
}
