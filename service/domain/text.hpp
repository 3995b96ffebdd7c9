// Checks on untrusted text (request bodies, CSV imports): strict UTF-8
// validation that reports where the first bad byte is, code point counts for
// length limits, control characters, and the byte order mark that spreadsheet
// programs put in front of CSV exports. Pure functions over bytes: no
// allocation, no exceptions, no locale.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::domain {

// Where a string stops being UTF-8, for error messages (a CSV line and column).
struct Utf8Error {
  std::size_t offset;  // bytes from the start of the string
};

// True when `s` is well-formed UTF-8 (the Unicode Standard's table 3-7): no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
// sequences, no stray continuation bytes. NUL is a valid code point.
bool valid_utf8(std::string_view s);

// The byte offset at which the first ill-formed sequence starts (the lead byte
// of a truncated or out-of-range sequence, or the stray byte itself), or
// nullopt when `s` is valid UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);

// The number of code points in `s`, which must already be valid UTF-8 (on other
// input the count is of bytes that are not continuation bytes).
std::size_t code_points(std::string_view s);

// True when `s` holds a C0 control (U+0000..U+001F, NUL included), DEL (U+007F)
// or a C1 control (U+0080..U+009F). Tab is always allowed; line feed and
// carriage return only when `allow_newlines`. Meant for valid UTF-8.
bool has_control_characters(std::string_view s, bool allow_newlines);

// True when valid UTF-8 `s` holds an invisible character that changes how
// the text around it reads: a bidirectional embedding, override or isolate
// (U+202A..U+202E, U+2066..U+2069: after U+202E the rest of a name shows
// reversed on screen, so what a reviewer reads is not what is stored) or a
// byte order mark (U+FEFF) inside text. Meant for text already trimmed of its padding (trim_padding
// drops a mark at either end). The joiners Bengali needs (U+200C, U+200D) and the direction marks
// (U+200E, U+200F) are text, not this.
bool has_hidden_format_characters(std::string_view s);

// Whether s holds U+FFFD, the replacement character: what a file saved in
// another encoding (Excel's "CSV" is Windows-1252 or Shift_JIS) becomes when
// read as UTF-8 ("René" read as "Ren\uFFFD"). Text with it has lost letters.
bool has_replacement_character(std::string_view s);

// Whether s is a number as Excel writes a long one in scientific notation
// ("8.80171E+12" for the phone 8801712345678): the digits it dropped are
// gone, so it is no phone number.
bool looks_like_scientific_number(std::string_view s);

// Whether s is a Bangladeshi mobile number with its leading 0 gone: ten
// digits, 1 then an operator's 3..9 ("1712345678" for 01712-345678), which is
// what Excel keeps of 01712345678 typed in a cell formatted as a number. No
// national number elsewhere reads so: North American area codes, Indian,
// Nepali and Pakistani mobiles do not begin with 1, and China's have eleven
// digits.
// Both read s (valid UTF-8) with its full-width digits, signs and letters as
// ASCII, as fold_width does.
bool looks_like_mobile_without_its_zero(std::string_view s);

// Whether a person's name holds '?': what a spreadsheet saved in a code page
// writes for each letter it cannot (Bengali or Japanese saved as
// Windows-1252: "?????"). No name is spelled with one.
bool has_lost_letters(std::string_view name);

// `s` without one leading UTF-8 byte order mark (EF BB BF); a view into `s`.
std::string_view strip_utf8_bom(std::string_view s);

// The lines of `s` that hold anything, a line ending at a line feed, a CR LF
// or a lone carriage return (as the import's CSV reader ends a record) or
// at the end: at least as many as the CSV records or NDJSON documents in it,
// since blank lines are none.
std::size_t nonblank_lines(std::string_view s);

// True when valid UTF-8 `s` holds a white-space code point (ASCII or Unicode:
// NBSP, the U+2000 spaces, line and paragraph separators, ideographic space),
// as PostgreSQL's regular expressions read \s.
bool has_white_space(std::string_view s);

// True when valid UTF-8 `s` holds a default-ignorable code point (Unicode's
// Default_Ignorable_Code_Point: the soft hyphen, zero-width space and joiners,
// bidirectional marks, variation selectors, tags, ...), or an interlinear
// annotation mark (U+FFF9-FFFB, format characters no font draws): invisible,
// so an email with one looks like, and is not, another address.
bool has_default_ignorable(std::string_view s);

// Valid UTF-8 `s` with the full-width forms of ASCII (U+FF01-FF5E, as a
// Japanese IME types them) read as ASCII and the ideographic full stops
// (U+3002, U+FF61) as '.': how the database's email_key() reads an address
// (migration 0111), so a check of its shape sees what the key will.
std::string fold_width(std::string_view s);

// Whether s is ASCII throughout.
bool is_ascii(std::string_view s);

// Valid UTF-8 `s` with fold_width's folding and the Bengali digits (০-৯,
// U+09E6-U+09EF) read as 0-9: what a date typed with a Bengali keyboard or a
// Japanese IME says in ASCII.
std::string fold_digits(std::string_view s);

// Valid UTF-8 `s` without the padding at either end: white space as above
// (the ideographic space U+3000 a Japanese keyboard types among it) and the
// invisible zero-width space, word joiner and byte order mark. Empty when
// `s` holds nothing else: such a text is blank. A view into `s`.
std::string_view trim_padding(std::string_view s);

}  // namespace kakehashi::domain
