// UTF-8 validation, code point counts, control characters and the BOM, checked
// on Japanese text, each class of ill-formed input, and exhaustively against a
// decoder written from the definition rather than from the byte table.
#include "domain/text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::domain {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kCompany = "株式会社トヨダ";
constexpr std::string_view kEmoji = "\xF0\x9F\x98\x80";  // U+1F600

std::string encode(std::uint32_t cp) {
  std::string out;
  auto put = [&](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
  return out;
}

// Decodes by the definition: the count of leading one bits gives the length,
// continuation bytes carry six bits each, and the value must need exactly that
// length, be at most U+10FFFF and not be a surrogate.
std::size_t reference_length(std::string_view s, std::size_t i) {
  const auto lead = static_cast<std::uint32_t>(static_cast<unsigned char>(s[i]));
  std::size_t length = 0;
  while (length < 8 && (lead & (0x80U >> length)) != 0) ++length;
  if (length == 0) return 1;
  if (length == 1 || length > 4 || s.size() - i < length) return 0;
  std::uint32_t cp = lead & (0x7FU >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + k]));
    if ((b >> 6) != 2) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

std::optional<std::size_t> reference_first_invalid(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = reference_length(s, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

TEST(Utf8, AcceptsJapaneseEmojiAndAscii) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("Toyoda Kikai, Inc."));
  EXPECT_TRUE(valid_utf8(kCompany));
  EXPECT_TRUE(valid_utf8("ｶﾌﾞｼｷｶﾞｲｼｬ"));  // half-width katakana
  EXPECT_TRUE(valid_utf8(kEmoji));
  EXPECT_TRUE(valid_utf8("日本語 😀 text"));
  EXPECT_TRUE(valid_utf8("a\0b"sv));  // NUL is a code point; controls are checked apart
}

TEST(Utf8, AcceptsEachBoundaryOfEachLength) {
  for (const std::string_view s :
       {"\x7F"sv, "\xC2\x80"sv, "\xDF\xBF"sv, "\xE0\xA0\x80"sv, "\xED\x9F\xBF"sv, "\xEE\x80\x80"sv,
        "\xEF\xBF\xBF"sv, "\xF0\x90\x80\x80"sv, "\xF4\x8F\xBF\xBF"sv}) {
    EXPECT_TRUE(valid_utf8(s)) << ::testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsOverlongForms) {
  for (const std::string_view s : {"\xC0\x80"sv, "\xC0\xAF"sv, "\xC1\xBF"sv, "\xE0\x80\x80"sv,
                                   "\xE0\x9F\xBF"sv, "\xF0\x80\x80\x80"sv, "\xF0\x8F\xBF\xBF"sv}) {
    EXPECT_FALSE(valid_utf8(s)) << ::testing::PrintToString(s);
    EXPECT_EQ(first_invalid_utf8(s), 0U);
  }
}

TEST(Utf8, RejectsSurrogates) {
  for (const std::string_view s : {"\xED\xA0\x80"sv, "\xED\xAF\xBF"sv, "\xED\xB0\x80"sv,
                                   "\xED\xBF\xBF"sv, "\xED\xA0\xBD\xED\xB8\x80"sv}) {
    EXPECT_FALSE(valid_utf8(s)) << ::testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsCodePointsAboveTheLastPlane) {
  for (const std::string_view s :
       {"\xF4\x90\x80\x80"sv, "\xF4\xBF\xBF\xBF"sv, "\xF5\x80\x80\x80"sv, "\xF7\xBF\xBF\xBF"sv,
        "\xF8\x88\x80\x80\x80"sv, "\xFE"sv, "\xFF"sv}) {
    EXPECT_FALSE(valid_utf8(s)) << ::testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsTruncatedSequences) {
  for (const std::string_view s : {"\xC3"sv, "\xE6"sv, "\xE6\xA0"sv, "\xF0\x9F"sv, "\xF0\x9F\x98"sv,
                                   "\xE6\xA0x"sv, "\xF0\x9F\x98 "sv, "\xC3\xC3\xA9"sv}) {
    EXPECT_FALSE(valid_utf8(s)) << ::testing::PrintToString(s);
    EXPECT_EQ(first_invalid_utf8(s), 0U) << ::testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsStrayContinuationBytes) {
  for (const std::string_view s : {"\x80"sv, "\xBF"sv, "a\x80"sv, "\xC3\xA9\xA9"sv}) {
    EXPECT_FALSE(valid_utf8(s)) << ::testing::PrintToString(s);
  }
}

TEST(Utf8, FirstInvalidIsTheByteOffsetOfTheBadSequence) {
  EXPECT_EQ(first_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(first_invalid_utf8(kCompany), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("abc\xFF"), 3U);
  // After seven three-byte characters, a Shift_JIS byte pair.
  EXPECT_EQ(first_invalid_utf8(std::string(kCompany) + "\x83\x67"), 21U);
  // A truncated sequence is reported at its lead byte, not at the end.
  EXPECT_EQ(first_invalid_utf8("ab\xE6\xA0"), 2U);
  EXPECT_EQ(first_invalid_utf8("株\xE5\xBC"), 3U);
  EXPECT_EQ(first_invalid_utf8(std::string(kEmoji) + "\xED\xA0\x80"), 4U);
  EXPECT_EQ(first_invalid_utf8("a\0\xC0\x80"sv), 2U);
  EXPECT_EQ(first_invalid_utf8("ok \xC3\xA9 \x80 \xFF"), 6U);  // the first of two
}

TEST(Utf8, MatchesTheReferenceOnEveryStringOfUpToThreeBytes) {
  std::string s;
  for (int len = 1; len <= 3; ++len) {
    const std::uint32_t count = 1U << (8 * len);
    s.assign(static_cast<std::size_t>(len), '\0');
    for (std::uint32_t n = 0; n < count; ++n) {
      for (std::size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>(n >> (8 * k));
      const auto expected = reference_first_invalid(s);
      const auto actual = first_invalid_utf8(s);
      if (actual != expected || valid_utf8(s) != !expected) {
        ADD_FAILURE() << ::testing::PrintToString(s);
        return;
      }
    }
  }
}

TEST(Utf8, MatchesTheReferenceOnFourByteStrings) {
  // Every lead and second byte, with third and fourth bytes chosen to hit
  // each class: continuation at both ends of its range, ASCII, a lead byte.
  constexpr unsigned char kTails[] = {0x80, 0xBF, 0x41, 0xC3, 0x00};
  std::string s(4, '\0');
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      for (const unsigned char c : kTails) {
        for (const unsigned char d : kTails) {
          s[0] = static_cast<char>(a);
          s[1] = static_cast<char>(b);
          s[2] = static_cast<char>(c);
          s[3] = static_cast<char>(d);
          if (first_invalid_utf8(s) != reference_first_invalid(s)) {
            ADD_FAILURE() << ::testing::PrintToString(s);
            return;
          }
        }
      }
    }
  }
}

TEST(Utf8, EveryScalarValueIsValidAndOneCodePoint) {
  for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const std::string s = encode(cp);
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (valid_utf8(s) == surrogate || code_points(s) != 1) {
      ADD_FAILURE() << "U+" << std::hex << cp;
      return;
    }
  }
  // One past the end, encoded the same way, is not.
  EXPECT_FALSE(valid_utf8(encode(0x110000)));
}

TEST(CodePoints, CountsCharactersNotBytes) {
  EXPECT_EQ(code_points(""), 0U);
  EXPECT_EQ(code_points("abc"), 3U);
  EXPECT_EQ(kCompany.size(), 21U);
  EXPECT_EQ(code_points(kCompany), 7U);
  EXPECT_EQ(code_points(kEmoji), 1U);
  EXPECT_EQ(code_points("é"), 1U);
  EXPECT_EQ(code_points("a😀b株"), 4U);
  EXPECT_EQ(code_points("a\0b"sv), 3U);
}

TEST(ControlCharacters, NulAndOtherC0ControlsAreFound) {
  EXPECT_TRUE(has_control_characters("株式\0会社"sv, true));
  EXPECT_TRUE(has_control_characters("\0"sv, true));
  EXPECT_TRUE(has_control_characters("a\x01", true));
  EXPECT_TRUE(has_control_characters("\x1B[31m", true));  // an escape sequence
  EXPECT_TRUE(has_control_characters("\x1F", true));
  EXPECT_TRUE(has_control_characters("\x0B", true));  // vertical tab
  EXPECT_TRUE(has_control_characters("\x0C", true));  // form feed
  EXPECT_TRUE(has_control_characters("del\x7F", true));
}

TEST(ControlCharacters, TabIsAlwaysAllowedNewlinesOnlyWhenAsked) {
  EXPECT_FALSE(has_control_characters("a\tb", false));
  EXPECT_FALSE(has_control_characters("a\tb", true));
  EXPECT_TRUE(has_control_characters("a\nb", false));
  EXPECT_FALSE(has_control_characters("a\nb", true));
  EXPECT_TRUE(has_control_characters("a\rb", false));
  EXPECT_FALSE(has_control_characters("a\r\nb", true));
}

TEST(ControlCharacters, C1ControlsAreFoundButNotTheirNeighbours) {
  EXPECT_TRUE(has_control_characters("\xC2\x80", true));
  EXPECT_TRUE(has_control_characters("x\xC2\x85y", true));  // NEL is not an allowed newline
  EXPECT_TRUE(has_control_characters("\xC2\x9F", true));
  EXPECT_FALSE(has_control_characters("\xC2\xA0", false));  // no-break space
  EXPECT_FALSE(has_control_characters("\xC2\xA9", false));  // ©
  EXPECT_FALSE(has_control_characters("\xC3\x80", false));  // À
  EXPECT_FALSE(has_control_characters("\xC2", false));      // truncated: not a control
}

TEST(ControlCharacters, PrintableTextHasNone) {
  EXPECT_FALSE(has_control_characters("", false));
  EXPECT_FALSE(has_control_characters(" !~", false));
  EXPECT_FALSE(has_control_characters(kCompany, false));
  EXPECT_FALSE(has_control_characters("Ｐｙｔｈｏｎ　３", false));
  EXPECT_FALSE(has_control_characters(kEmoji, false));
  // U+0100, U+0880, U+8080: continuation bytes 80..9F after leads other than C2.
  EXPECT_FALSE(has_control_characters("\xC4\x80\xE0\xA2\x80\xE8\x82\x80", false));
}

TEST(Bom, ALeadingBomIsDroppedOnce) {
  const std::string_view with_bom = "\xEF\xBB\xBFname,skill\n";
  const auto stripped = strip_utf8_bom(with_bom);
  EXPECT_EQ(stripped, "name,skill\n");
  EXPECT_EQ(stripped.data(), with_bom.data() + 3);  // a view, not a copy
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBF"), "");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBF\xEF\xBB\xBFx"), "\xEF\xBB\xBFx");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBF株式会社"), "株式会社");
}

TEST(Bom, AnythingElseIsLeftAlone) {
  EXPECT_EQ(strip_utf8_bom(""), "");
  EXPECT_EQ(strip_utf8_bom("abc"), "abc");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB"), "\xEF\xBB");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBE"), "\xEF\xBB\xBE");
  EXPECT_EQ(strip_utf8_bom("a\xEF\xBB\xBF"), "a\xEF\xBB\xBF");
  EXPECT_EQ(strip_utf8_bom("\xFE\xFFx"), "\xFE\xFFx");  // a UTF-16 BOM is not ours to drop
}

TEST(Text, WhiteSpaceIncludesUnicodeSpaces) {
  EXPECT_FALSE(has_white_space("nusrat@example.com"));
  EXPECT_FALSE(has_white_space("株式会社トヨダ"));
  for (const char* spaced :
       {"a b", "a\tb", "sp\u2003ace", "x\u3000y", "a\u2028b", "a\u1680b", "a\u00a0b", "a\u202fb"}) {
    EXPECT_TRUE(has_white_space(spaced)) << spaced;
  }
}

// A name of ideographic spaces, a zero-width space or a byte order mark is
// blank; padding inside the text stays (山田　花子 keeps its space).
TEST(Text, TrimPaddingDropsUnicodeSpacesAndInvisibleMarksAtTheEnds) {
  EXPECT_EQ(trim_padding("  Rahim Uddin \t\r\n"), "Rahim Uddin");
  EXPECT_EQ(trim_padding("\u3000山田\u3000花子\u3000"), "山田\u3000花子");
  EXPECT_EQ(trim_padding("\u200b\ufeff\u00a0Nusrat\u2060\u202f"), "Nusrat");
  for (const char* blank : {"", " ", "\u3000\u3000", "\u200b", "\ufeff", "\u00a0\u2003\u2060"}) {
    EXPECT_EQ(trim_padding(blank), "") << blank;
  }
  // Neighbours that are text: a Japanese comma, a full-width letter, an
  // emoji (four bytes) at either end.
  EXPECT_EQ(trim_padding("\u3001a\uff21"), "\u3001a\uff21");
  EXPECT_EQ(trim_padding("\u3000\U0001F600\u3000"), "\U0001F600");
}

// A direction override shows the rest of a name reversed; a byte order mark
// inside a name splits it invisibly. The joiners Bengali conjuncts need and
// the plain direction marks are text.
TEST(Text, HiddenFormatCharactersAreFoundWhereverTheyAre) {
  for (const char* hidden : {"Rahim\u202eUddin", "\u202aa", "a\u202b", "a\u202cb", "a\u202db",
                             "\u2066x\u2069", "x\u2067y", "x\u2068y", "Ra\ufeffhim", "\ufeff"}) {
    EXPECT_TRUE(has_hidden_format_characters(hidden)) << hidden;
  }
  for (const char* text :
       {"", "Rahim Uddin", "র\u200d\u09cdয", "a\u200cb", "a\u200eb\u200f", "\u2029", "\u2065\u206a",
        "\u2029\u202f\u2060", "\ufefe\ufffd", "山田\u3000花子", "\U0001F600"}) {
    EXPECT_FALSE(has_hidden_format_characters(text)) << text;
  }
}

// A file Excel saved as "CSV" (Windows-1252), read as UTF-8, has U+FFFD
// where its letters were; a long number typed in Excel comes back in
// scientific notation with its last digits gone.
TEST(Text, TextReadInTheWrongEncodingAndNumbersExcelRewroteAreFound) {
  EXPECT_TRUE(has_replacement_character("Ren\ufffd Das"));
  EXPECT_TRUE(has_replacement_character("\ufffd"));
  for (const char* text : {"", "René Das", "\ufffe", "\ufefe", "山田", "a\uffefb"}) {
    EXPECT_FALSE(has_replacement_character(text)) << text;
  }
  for (const char* number :
       {"8.80171E+12", "8.80171e+12", "8,80171E+12", "1E5", "2.5e-3", "9E12"}) {
    EXPECT_TRUE(looks_like_scientific_number(number)) << number;
  }
  for (const char* phone : {"", "+8801712345678", "01712-345678", "8801712345678", "E+12", "8.8E",
                            "8.E+12", ".8E+12", "8.8E+", "8.8E+12 ", "880171E+12x", "++8.8E+12"}) {
    EXPECT_FALSE(looks_like_scientific_number(phone)) << phone;
  }
}

// A date typed with a Bengali keyboard or a Japanese IME, in ASCII.
TEST(TextTest, BengaliAndFullWidthDigitsFoldToAscii) {
  EXPECT_EQ(fold_digits("\u09e8\u09e6\u09e8\u09ed-\u09e6\u09e7-\u09e7\u09eb"), "2027-01-15");
  EXPECT_EQ(fold_digits("\uff12\uff10\uff12\uff17\uff0f\uff14"), "2027/4");
  EXPECT_EQ(fold_digits("\u09a2\u09be\u0995\u09be 1"),
            "\u09a2\u09be\u0995\u09be 1");  // letters stay
  EXPECT_TRUE(is_ascii("2027-01-15"));
  EXPECT_FALSE(is_ascii("\u09e8"));
}

// 01712345678 in a cell formatted as a number is 1712345678: no phone any
// other trainee's country writes so is caught with it.
TEST(TextTest, AMobileNumberWithoutItsLeadingZeroIsKnownByItsShape) {
  for (const char* number : {"1712345678", "1312345678", "1999999999",
                             "\uff11\uff17\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"}) {
    EXPECT_TRUE(looks_like_mobile_without_its_zero(number)) << number;  // full-width too (F6)
  }
  EXPECT_TRUE(looks_like_scientific_number("\uff18.\uff18\uff10\uff11\uff17\uff11E+\uff11\uff12"));
  EXPECT_FALSE(looks_like_mobile_without_its_zero(
      "\u09e7\u09ed\u09e7\u09e8\u09e9\u09ea\u09eb\u09ec\u09ed\u09ee"))
      << "Bengali digits are not read as ASCII ones";
  EXPECT_FALSE(looks_like_mobile_without_its_zero(
      "\uff10\uff11\uff17\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"));
  for (const char* phone :
       {"01712345678", "+8801712345678", "8801712345678", "171234567", "17123456789",
        "1212345678" /* no operator 2 */, "1012345678", "2125551234" /* New York */,
        "9812345678" /* Nepal */, "9012345678", "171234567x", "1712 345678", ""}) {
    EXPECT_FALSE(looks_like_mobile_without_its_zero(phone)) << phone;
  }
  EXPECT_TRUE(has_lost_letters("????? ?????"));
  EXPECT_TRUE(has_lost_letters("Rahim ?ddin"));
  EXPECT_FALSE(has_lost_letters("রহিম উদ্দিন"));
  EXPECT_FALSE(has_lost_letters("山田？花子")) << "a full-width question mark is typed, not lost";
}

TEST(Text, NonblankLinesCountEveryLineEndingTheCsvReaderKnows) {
  EXPECT_EQ(nonblank_lines(""), 0u);
  EXPECT_EQ(nonblank_lines("\n\r\n\r\r\n\n"), 0u) << "blank lines are no records";
  EXPECT_EQ(nonblank_lines("h"), 1u);
  EXPECT_EQ(nonblank_lines("h\n1\n2\n"), 3u);
  EXPECT_EQ(nonblank_lines("h\r\n1\r\n2"), 3u) << "CR LF is one ending";
  EXPECT_EQ(nonblank_lines("h\r1\r2\n3\n4"), 5u) << "lone CRs among LFs (a file edited twice)";
  EXPECT_EQ(nonblank_lines("h\r1\r2\r3\r4"), 5u) << "a classic Mac file";
  EXPECT_EQ(nonblank_lines(" \n\t"), 2u) << "white space is something: the reader decides";
  EXPECT_EQ(nonblank_lines("h\n\"a\n\nb\"\n"), 3u) << "a quoted field's lines only add";
}

}  // namespace
}  // namespace kakehashi::domain
