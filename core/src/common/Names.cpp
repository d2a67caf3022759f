// SPDX-License-Identifier: GPL-3.0-or-later
// The one enum ⇄ name table of each concept.
#include "qat/Names.h"

namespace qat {

template <> const std::vector<NameEntry<Method>>& nameTable<Method>() {
    static const std::vector<NameEntry<Method>> t = {{Method::RoundToNearest, "rtn"},
                                                     {Method::BlockAp, "block-ap"},
                                                     {Method::EfficientQat, "efficientqat"},
                                                     {Method::LrQat, "lr-qat"},
                                                     {Method::Gptq, "gptq"}};
    return t;
}

template <> const std::vector<NameEntry<Stage>>& nameTable<Stage>() {
    static const std::vector<NameEntry<Stage>> t = {
        {Stage::FullPrecision, "fp"}, {Stage::RoundToNearest, "rtn"},
        {Stage::BlockAp, "block-ap"}, {Stage::BlockApE2eQp, "block-ap+e2e-qp"},
        {Stage::LrQat, "lr-qat"},     {Stage::Gptq, "gptq"}};
    return t;
}

template <> const std::vector<NameEntry<Phase>>& nameTable<Phase>() {
    static const std::vector<NameEntry<Phase>> t = {{Phase::Calibration, "calibration"},
                                                    {Phase::RoundToNearest, "rtn"},
                                                    {Phase::BlockAp, "block_ap"},
                                                    {Phase::E2eQp, "e2e_qp"},
                                                    {Phase::LrQat, "lr_qat"},
                                                    {Phase::Gptq, "gptq"},
                                                    {Phase::Evaluation, "evaluation"},
                                                    {Phase::Export, "export"}};
    return t;
}

template <> const std::vector<NameEntry<Device>>& nameTable<Device>() {
    static const std::vector<NameEntry<Device>> t = {{Device::Cpu, "cpu"}, {Device::Cuda, "cuda"}};
    return t;
}

template <> const std::vector<NameEntry<ComputeDType>>& nameTable<ComputeDType>() {
    static const std::vector<NameEntry<ComputeDType>> t = {{ComputeDType::Float32, "float32"},
                                                           {ComputeDType::BFloat16, "bfloat16"}};
    return t;
}

template <> const std::vector<NameEntry<CacheDType>>& nameTable<CacheDType>() {
    static const std::vector<NameEntry<CacheDType>> t = {{CacheDType::Float16, "float16"},
                                                         {CacheDType::BFloat16, "bfloat16"},
                                                         {CacheDType::Float32, "float32"}};
    return t;
}

template <> const std::vector<NameEntry<RangeInit>>& nameTable<RangeInit>() {
    static const std::vector<NameEntry<RangeInit>> t = {{RangeInit::Lp, "lp"}, {RangeInit::MinMax, "minmax"}};
    return t;
}

template <> const std::vector<NameEntry<Phi0Storage>>& nameTable<Phi0Storage>() {
    static const std::vector<NameEntry<Phi0Storage>> t = {
        {Phi0Storage::Int8, "int8"}, {Phi0Storage::BFloat16, "bfloat16"}, {Phi0Storage::Float32, "float32"}};
    return t;
}

template <> const std::vector<NameEntry<ErrorKind>>& nameTable<ErrorKind>() {
    static const std::vector<NameEntry<ErrorKind>> t = {{ErrorKind::None, "ok"},
                                                        {ErrorKind::BadInput, "bad_input"},
                                                        {ErrorKind::Unsupported, "unsupported"},
                                                        {ErrorKind::OutOfMemory, "out_of_memory"},
                                                        {ErrorKind::NonFinite, "non_finite"},
                                                        {ErrorKind::Cancelled, "cancelled"},
                                                        {ErrorKind::Failure, "failure"}};
    return t;
}

std::string nameList(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
        out += names[i];
    }
    return out;
}

Stage finalStage(Method method) {
    switch (method) {
    case Method::RoundToNearest:
        return Stage::RoundToNearest;
    case Method::BlockAp:
        return Stage::BlockAp;
    case Method::EfficientQat:
        return Stage::BlockApE2eQp;
    case Method::LrQat:
        return Stage::LrQat;
    case Method::Gptq:
        return Stage::Gptq;
    }
    return Stage::BlockApE2eQp;
}

} // namespace qat
