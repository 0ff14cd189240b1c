//! The story binary: it runs to its end on the emulator, and with `--aws` against a server that
//! refuses it, it prints the library's message and its causes, not a debug dump.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

#[test]
fn the_story_runs_to_its_end() {
    let out = Command::new(env!("CARGO_BIN_EXE_generated-example"))
        .output()
        .expect("the story starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Nothing was lost: the top score is still 9800"),
        "{stdout}"
    );
}

#[test]
fn an_aws_error_is_printed_as_its_message() {
    // A server that answers every request as DynamoDB answers unknown credentials.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut buffer = [0u8; 65536];
            let _ = stream.read(&mut buffer);
            let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#UnrecognizedClientException","message":"The security token included in the request is invalid."}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: R1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = Command::new(env!("CARGO_BIN_EXE_generated-example"))
        .arg("--aws")
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("the story starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("UnrecognizedClientException")
            && stderr.contains("The security token included in the request is invalid."),
        "{stderr}"
    );
    // A message, not a dump of the SDK's structures.
    assert!(stderr.len() < 1000, "{} bytes:\n{stderr}", stderr.len());
    assert!(!stderr.contains("raw: "), "{stderr}");
}
