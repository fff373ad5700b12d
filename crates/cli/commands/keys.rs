//! `peergen keygen`, `pubkey` and `genpsk`: WireGuard keys, byte-compatible with `wg`.

use std::io;

use camino::Utf8Path;
use peergen_core::keys::{PresharedKey, PrivateKey};

use crate::exit::Exit;
use crate::write::create_requested;

/// Key files: readable by their owner only.
const KEY_MODE: u32 = 0o600;

fn write_key(path: &Utf8Path, base64: &str, force: bool) -> Result<(), Exit> {
    let contents = format!("{base64}\n");
    create_requested(
        path,
        contents.as_bytes(),
        KEY_MODE,
        force,
        "a key",
        ", the old key is then lost",
    )
}

/// `--out -` means stdout, as everywhere in peergen (never a file named `-`).
fn file_or_stdout(out: Option<&Utf8Path>) -> Option<&Utf8Path> {
    out.filter(|path| path.as_str() != "-")
}

/// `keygen`: to a file (printing the public key) or to stdout.
pub fn keygen(out: Option<&Utf8Path>, force: bool) -> Exit {
    let key = PrivateKey::generate();
    match file_or_stdout(out) {
        Some(path) => match write_key(path, &key.to_base64(), force) {
            Ok(()) => {
                crate::outln!("{}", key.public_key());
                Exit::Ok
            }
            Err(exit) => exit,
        },
        None => {
            crate::outln!("{}", key.to_base64());
            Exit::Ok
        }
    }
}

/// `genpsk`: to a file or to stdout.
pub fn genpsk(out: Option<&Utf8Path>, force: bool) -> Exit {
    let key = PresharedKey::generate();
    match file_or_stdout(out) {
        Some(path) => match write_key(path, &key.to_base64(), force) {
            Ok(()) => Exit::Ok,
            Err(exit) => exit,
        },
        None => {
            crate::outln!("{}", key.to_base64());
            Exit::Ok
        }
    }
}

/// The most `pubkey` reads: a 44-character key and some whitespace after it. Input is
/// read as it comes, so trailing characters fail at once (as in `wg`), and no input,
/// however long, is read past this.
const PUBKEY_READ_LIMIT: usize = 4096;

/// `pubkey`: reads like `wg pubkey` (exactly 44 characters, then only whitespace or NUL)
/// and fails with the same messages.
pub fn pubkey() -> Exit {
    match read_key(&mut io::stdin().lock()).and_then(|input| {
        public_key_of(&input).map_err(|message| (message.to_owned(), Exit::DataError))
    }) {
        Ok(public) => {
            crate::outln!("{public}");
            Exit::Ok
        }
        Err((message, exit)) => {
            crate::present::error(&message);
            exit
        }
    }
}

/// Reads a key from `input`, stopping at the first trailing character or the limit.
fn read_key(input: &mut impl io::Read) -> Result<Vec<u8>, (String, Exit)> {
    let mut bytes = Vec::with_capacity(64);
    let mut chunk = [0u8; 512];
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err((format!("cannot read stdin: {err}"), Exit::NoInput)),
        };
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() > 44
            && bytes[44..]
                .iter()
                .any(|&b| b != 0 && !b.is_ascii_whitespace())
        {
            return Err((TRAILING.to_owned(), Exit::DataError));
        }
        if bytes.len() > PUBKEY_READ_LIMIT {
            return Err((
                format!("more than {PUBKEY_READ_LIMIT} bytes on stdin; a key is 44 characters"),
                Exit::DataError,
            ));
        }
    }
}

const TRAILING: &str = "Trailing characters found after key";

fn public_key_of(input: &[u8]) -> Result<String, &'static str> {
    const BAD: &str = "Key is not the correct length or format";
    if input.len() < 44 {
        return Err(BAD);
    }
    let (key, rest) = input.split_at(44);
    if rest.iter().any(|&b| b != 0 && !b.is_ascii_whitespace()) {
        return Err(TRAILING);
    }
    let text = std::str::from_utf8(key).map_err(|_| BAD)?;
    let private = PrivateKey::from_base64(text).map_err(|_| BAD)?;
    Ok(private.public_key().to_base64())
}

#[cfg(test)]
mod tests {
    use super::public_key_of;

    #[test]
    fn reads_like_wg_pubkey() {
        let key = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
        let bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&key[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let expected = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";
        assert_eq!(
            public_key_of(format!("{b64}\n").as_bytes()).unwrap(),
            expected
        );
        assert_eq!(
            public_key_of(format!("{b64}\0\0").as_bytes()).unwrap(),
            expected
        );
        assert_eq!(
            public_key_of(format!("{b64} junk").as_bytes()),
            Err("Trailing characters found after key")
        );
        assert_eq!(
            public_key_of(b"abc"),
            Err("Key is not the correct length or format")
        );
    }
}
