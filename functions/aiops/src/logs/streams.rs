//! Reading Loki's answer to `GET /loki/api/v1/query_range` for a log query, without I/O: the
//! `streams` result of a success, `{"status": "success", "data": {"resultType": "streams",
//! "result": [{"stream": {labels}, "values": [["<unix nanoseconds>", "<line>"], ...]}]}}`. Loki
//! refuses a bad query with a status other than 200 and a plain-text body.

use serde::Deserialize;

use crate::{Error, Result};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    status: String,
    data: Option<Data>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    result: Vec<Stream>,
}

#[derive(Deserialize)]
struct Stream {
    values: Vec<(String, String)>,
}

/// The entries of a query_range answer with HTTP `status`: `(unix nanoseconds, line)` from every
/// stream, oldest first.
///
/// # Errors
/// [`Error::Refused`] for any status but 200 (with the start of Loki's message),
/// [`Error::Malformed`] for a body that is not the documented JSON, not `streams`, or with a time
/// that is not a number.
pub fn parse_streams(status: u16, body: &[u8]) -> Result<Vec<(i128, String)>> {
    if status != 200 {
        let text = String::from_utf8_lossy(&body[..body.len().min(300)]).trim().to_owned();
        return Err(Error::Refused {
            status,
            error_type: "loki".into(),
            message: text,
        });
    }
    let answer: Answer =
        serde_json::from_slice(body).map_err(|e| Error::Malformed(format!("not a Loki query_range answer: {e}")))?;
    if answer.status != "success" {
        return Err(Error::Refused {
            status,
            error_type: "loki".into(),
            message: format!("status {}", answer.status),
        });
    }
    let data = answer
        .data
        .ok_or_else(|| Error::Malformed("a Loki answer without data".into()))?;
    if data.result_type != "streams" {
        return Err(Error::Malformed(format!(
            "expected a streams result (a log query), got {}",
            data.result_type
        )));
    }
    let mut entries = Vec::new();
    for stream in data.result {
        for (nanos, line) in stream.values {
            let nanos: i128 = nanos
                .parse()
                .map_err(|_| Error::Malformed(format!("'{nanos}' is not a time in nanoseconds")))?;
            entries.push((nanos, line));
        }
    }
    // Streams come one after the other; the watch wants time order (stable: a stream's own order
    // is kept for equal times).
    entries.sort_by_key(|(nanos, _)| *nanos);
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_every_stream_come_out_in_time_order() {
        let body = br#"{"status":"success","data":{"resultType":"streams","result":[
            {"stream":{"service":"notifier","level":"error"},"values":[["300","c"],["100","a"]]},
            {"stream":{"service":"task-api","level":"warn"},"values":[["200","b"]]}],
            "stats":{"summary":{"bytesProcessedPerSecond":1}}}}"#;
        let entries = parse_streams(200, body).unwrap();
        let lines: Vec<_> = entries.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(lines, ["a", "b", "c"]);
    }

    #[test]
    fn refusals_and_other_answers_say_what_they_are() {
        let refused = parse_streams(
            400,
            b"parse error at line 1, col 2: syntax error: unexpected IDENTIFIER\n",
        )
        .unwrap_err();
        assert!(refused.to_string().contains("HTTP 400"), "{refused}");
        assert!(refused.to_string().contains("syntax error"), "{refused}");
        assert!(!refused.is_transient());
        assert!(
            parse_streams(503, b"too many outstanding requests")
                .unwrap_err()
                .is_transient()
        );
        let matrix = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert!(parse_streams(200, matrix).unwrap_err().to_string().contains("streams"));
        let bad_time =
            br#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[["soon","x"]]}]}}"#;
        assert!(matches!(parse_streams(200, bad_time), Err(Error::Malformed(_))));
        assert!(matches!(parse_streams(200, b"<html>"), Err(Error::Malformed(_))));
    }
}
