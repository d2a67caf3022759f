// SPDX-License-Identifier: GPL-3.0-or-later
#include "Regex.h"
#include "qat/Status.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdexcept>

namespace qat::tok {

struct Regex::Code {
    pcre2_code* code = nullptr;
    ~Code() {
        if (code) pcre2_code_free(code);
    }
};

namespace {

// Per-thread match data and a JIT stack large enough for long runs (e.g. `\s+(?!\S)` over a
// megabyte of spaces); PCRE2's default JIT stack is 32 KiB.
struct ThreadMatch {
    pcre2_match_data* data = nullptr;
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* stack = nullptr;
    ThreadMatch() {
        data = pcre2_match_data_create(1, nullptr);
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
        if (context && stack) pcre2_jit_stack_assign(context, nullptr, stack);
    }
    ~ThreadMatch() {
        if (stack) pcre2_jit_stack_free(stack);
        if (context) pcre2_match_context_free(context);
        if (data) pcre2_match_data_free(data);
    }
};

ThreadMatch& threadMatch() {
    thread_local ThreadMatch m;
    if (!m.data || !m.context) fail(ErrorKind::OutOfMemory, "PCRE2: cannot allocate match data");
    return m;
}

std::string pcreMessage(int code) {
    PCRE2_UCHAR buf[256];
    const int n = pcre2_get_error_message(code, buf, sizeof buf);
    return n < 0 ? "PCRE2 error " + std::to_string(code) : std::string(reinterpret_cast<const char*>(buf));
}

} // namespace

Regex::Regex(const std::string& pattern) : m_code(std::make_unique<Code>()), m_pattern(pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    m_code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
    if (!m_code->code)
        throw std::invalid_argument(pcreMessage(error) + " at offset " + std::to_string(size_t(offset)));
    // JIT is an optimization: where it is unavailable, the interpreter runs the same pattern.
    (void)pcre2_jit_compile(m_code->code, PCRE2_JIT_COMPLETE);
}

Regex::~Regex() = default;

bool Regex::find(std::string_view subject, size_t from, Span& match) const {
    ThreadMatch& m = threadMatch();
    const int rc = pcre2_match(m_code->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                               from, PCRE2_NO_UTF_CHECK, m.data, m.context);
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    // A pattern from the file that runs out of its match or depth limit is the file's fault.
    if (rc < 0) fail(ErrorKind::BadInput, "regex " + m_pattern + ": " + pcreMessage(rc));
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(m.data);
    match = {size_t(ov[0]), size_t(ov[1])};
    if (match.second < match.first) match.second = match.first; // \K can do this
    return true;
}

void Regex::findAll(std::string_view subject, std::vector<Span>& out) const {
    size_t from = 0;
    size_t lastEnd = std::string_view::npos;
    while (from <= subject.size()) {
        Span m;
        if (!find(subject, from, m)) break;
        if (m.first == m.second && m.first == lastEnd) {
            // An empty match where the previous one ended: step one character further.
            if (m.first >= subject.size()) break;
            from = m.first + 1;
            while (from < subject.size() && (static_cast<unsigned char>(subject[from]) & 0xC0) == 0x80)
                ++from;
            continue;
        }
        out.push_back(m);
        lastEnd = m.second;
        if (m.second > from) {
            from = m.second;
        } else {
            // Empty match: the next search starts at the same place but may not match empty there.
            from = m.second;
            if (from >= subject.size()) break;
            ++from;
            while (from < subject.size() && (static_cast<unsigned char>(subject[from]) & 0xC0) == 0x80)
                ++from;
        }
    }
}

void findLiteral(std::string_view subject, std::string_view needle, std::vector<Span>& out) {
    if (needle.empty()) return;
    size_t pos = 0;
    while ((pos = subject.find(needle, pos)) != std::string_view::npos) {
        out.emplace_back(pos, pos + needle.size());
        pos += needle.size();
    }
}

} // namespace qat::tok
