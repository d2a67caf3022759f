// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A compiled Unicode regular expression (PCRE2 with PCRE2_UTF | PCRE2_UCP, JIT-compiled where
// the platform supports it), standing in for the Oniguruma / fancy-regex patterns of
// tokenizer.json.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qat::tok {

/// [begin, end) byte offsets.
using Span = std::pair<size_t, size_t>;

class Regex {
public:
    /// Compiles `pattern`; throws std::invalid_argument with PCRE2's message and offset when it
    /// does not compile.
    explicit Regex(const std::string& pattern);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    /// Every non-overlapping match in `subject` (valid UTF-8), left to right, as Rust's
    /// find_iter: an empty match right where the previous match ended is skipped. Appends to
    /// `out`. Thread-safe.
    void findAll(std::string_view subject, std::vector<Span>& out) const;

    /// The first match at or after `from`; false when none.
    bool find(std::string_view subject, size_t from, Span& match) const;

    const std::string& pattern() const { return m_pattern; }

private:
    struct Code;
    std::unique_ptr<Code> m_code;
    std::string m_pattern;
};

/// Every non-overlapping occurrence of `needle` (non-empty) in `subject`, left to right.
void findLiteral(std::string_view subject, std::string_view needle, std::vector<Span>& out);

/// A tokenizer.json pattern: `{"String": s}` (matched literally) or `{"Regex": r}`.
class Pattern {
public:
    static Pattern literal(std::string text) {
        Pattern p;
        p.m_literal = std::move(text);
        return p;
    }
    /// Throws std::invalid_argument when `pattern` does not compile.
    static Pattern regex(const std::string& pattern) {
        Pattern p;
        p.m_regex = std::make_shared<const Regex>(pattern);
        return p;
    }
    void findAll(std::string_view subject, std::vector<Span>& out) const {
        if (m_regex)
            m_regex->findAll(subject, out);
        else
            findLiteral(subject, m_literal, out);
    }

private:
    std::string m_literal;
    std::shared_ptr<const Regex> m_regex;
};

} // namespace qat::tok
