//! gzip for the parts. The header's time is zero (`GzBuilder`'s default), so the same table
//! compresses to the same bytes and the same SHA-256, and two backups of an unchanged table can
//! be told equal by their manifests alone.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::write::GzEncoder;

/// A gzip stream being written to memory.
pub(crate) struct Gzip(GzEncoder<Vec<u8>>);

impl Gzip {
    pub(crate) fn new() -> Self {
        Self(flate2::GzBuilder::new().write(Vec::new(), Compression::default()))
    }

    /// Compresses one more chunk.
    pub(crate) fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.0.write_all(chunk)
    }

    /// The compressed bytes.
    pub(crate) fn finish(self) -> std::io::Result<Vec<u8>> {
        self.0.finish()
    }
}

/// Compresses `bytes` whole.
pub(crate) fn compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gzip = Gzip::new();
    gzip.write(bytes)?;
    gzip.finish()
}

/// A reader of the decompressed bytes of `compressed`.
pub(crate) fn decoder(compressed: &[u8]) -> impl Read + '_ {
    flate2::read::GzDecoder::new(compressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_compress_to_the_same_object_and_back() {
        let data = b"1\ttitle\n2\tother\n".repeat(100);
        let a = compress(&data).unwrap();
        assert_eq!(a, compress(&data).unwrap());
        let mut back = Vec::new();
        decoder(&a).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }
}
