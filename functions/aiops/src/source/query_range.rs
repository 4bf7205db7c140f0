//! Reading Prometheus' answer to `GET /api/v1/query_range`, without I/O: the `matrix` result of a
//! success, or the `errorType` and `error` of a refusal. The format is the one the HTTP API
//! documents: `{"status": "success", "data": {"resultType": "matrix", "result": [{"metric":
//! {labels}, "values": [[<unix seconds>, "<value>"], ...]}]}}`, with every value a string (so
//! that `NaN` and `+Inf` survive JSON).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Point, Samples, Series, component_of, merge_point};
use crate::{Error, Result};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    status: String,
    data: Option<Data>,
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    result: Vec<Stream>,
}

#[derive(Deserialize)]
struct Stream {
    metric: BTreeMap<String, String>,
    values: Vec<(f64, String)>,
}

/// The points of `series` in a query_range answer with HTTP `status`, per component (see
/// [`component_of`]); values that are not finite numbers are left out.
///
/// # Errors
/// [`Error::Refused`] for Prometheus' error answer (or any other status than 200),
/// [`Error::Malformed`] for a body that is not the documented JSON or not a `matrix`.
pub fn parse_matrix(series: Series, status: u16, body: &[u8]) -> Result<Samples> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        if status == 200 {
            Error::Malformed(format!("not a query_range answer: {e}"))
        } else {
            Error::Refused {
                status,
                error_type: "http".into(),
                message: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
            }
        }
    })?;
    if answer.status != "success" || status != 200 {
        return Err(Error::Refused {
            status,
            error_type: answer.error_type.unwrap_or_else(|| "unknown".into()),
            message: answer.error.unwrap_or_else(|| format!("status {}", answer.status)),
        });
    }
    let data = answer
        .data
        .ok_or_else(|| Error::Malformed("a success without data".into()))?;
    if data.result_type != "matrix" {
        return Err(Error::Malformed(format!(
            "expected a matrix result, got {}",
            data.result_type
        )));
    }
    let label = series.component_label();
    let mut samples = Samples::new();
    for stream in data.result {
        let Some(component) = stream.metric.get(label).and_then(|v| component_of(series, v)) else {
            continue;
        };
        for (at, text) in stream.values {
            let value: f64 = text
                .parse()
                .map_err(|_| Error::Malformed(format!("'{text}' is not a sample value")))?;
            if value.is_finite() {
                // Prometheus writes evaluation times as float seconds.
                merge_point(
                    &mut samples,
                    component.clone(),
                    Point {
                        at_ms: (at * 1000.0).round() as i64,
                        value,
                    },
                );
            }
        }
    }
    for points in samples.values_mut() {
        points.sort_by_key(|p| p.at_ms);
    }
    samples.retain(|_, points| !points.is_empty());
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_becomes_points_per_component_without_nan() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"service":"task-api"},"values":[[1700000060,"2"],[1700000000,"1.5"]]},
            {"metric":{"service":"chat-api"},"values":[[1700000000,"NaN"]]},
            {"metric":{},"values":[[1700000000,"9"]]}]}}"#;
        let samples = parse_matrix(Series::RequestRate, 200, body).unwrap();
        assert_eq!(samples.len(), 1, "{samples:?}");
        assert_eq!(
            samples["task-api"],
            [
                Point {
                    at_ms: 1_700_000_000_000,
                    value: 1.5
                },
                Point {
                    at_ms: 1_700_000_060_000,
                    value: 2.0
                }
            ]
        );
    }

    #[test]
    fn an_error_answer_is_refused_with_its_type_and_a_vector_is_malformed() {
        let refused = parse_matrix(
            Series::ErrorRatio,
            400,
            br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#,
        )
        .unwrap_err();
        assert!(
            matches!(&refused, Error::Refused { status: 400, error_type, .. } if error_type == "bad_data"),
            "{refused:?}"
        );
        assert!(!refused.is_transient());
        let vector = parse_matrix(
            Series::ErrorRatio,
            200,
            br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
        )
        .unwrap_err();
        assert!(matches!(vector, Error::Malformed(_)), "{vector:?}");
        let proxy = parse_matrix(Series::ErrorRatio, 502, b"<html>Bad Gateway</html>").unwrap_err();
        assert!(proxy.is_transient(), "{proxy:?}");
    }
}
