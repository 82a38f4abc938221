import ByteCoding
import EmbeddingCore
import Foundation
import Platform

/// A `.safetensors` file, memory-mapped read-only: fp32 tensors are used in place,
/// fp16 and bf16 tensors are widened to fp32 on request.
///
/// Layout: 8-byte little-endian header length N, N bytes of JSON
/// `{name: {dtype, shape, data_offsets: [begin, end]}}`, then the data.
/// Mapped by Platform's `MappedFile` (`mmap(2)`, unmapped when released).
final class SafetensorsFile: @unchecked Sendable {  // immutable after init
    struct TensorInfo {
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    let path: String
    let tensors: [String: TensorInfo]
    /// The whole file; `base` and every tensor pointer handed out point into it.
    private let mapping: MappedFile
    /// Safe to use while `mapping` lives (as long as this object): a mapping is never empty.
    private var base: UnsafeRawPointer { mapping.bytes.baseAddress! }
    private let dataStart: Int

    init(url: URL) throws {
        path = url.path
        let file: OpenFile, size: Int
        do {
            guard let opened = try OpenFile.openIfPresent(url.path) else {
                throw EmbeddingError.missingFile(path: url.path, hint: "reinstall the model folder")
            }
            (file, size) = (opened, try opened.size())
        } catch let error as SystemCallError {
            throw EmbeddingError.unreadable(path: url.path, reason: SystemCallError.message(error.code))
        }
        guard size >= 8 else {
            throw EmbeddingError.corruptWeights(path: url.path, reason: "file is \(size) bytes, shorter than its header")
        }
        do {
            mapping = try MappedFile(file, size: size, shared: false)
        } catch let error as SystemCallError {
            throw EmbeddingError.unreadable(path: url.path, reason: "mmap failed: \(SystemCallError.message(error.code))")
        }
        (tensors, dataStart) = try Self.parseHeader(base: mapping.bytes.baseAddress!, length: size, path: url.path)
    }

    /// The bytes from the first to the end of the last of these tensors' data, in the mapping.
    func span(of names: [String]) -> UnsafeRawBufferPointer? {
        let ranges = names.compactMap { tensors[$0] }
        guard let low = ranges.map(\.begin).min(), let high = ranges.map(\.end).max(), high > low else { return nil }
        return UnsafeRawBufferPointer(start: base + dataStart + low, count: high - low)
    }

    /// Lets the kernel drop this process's page mappings of `bytes` (`MADV_DONTNEED`): after
    /// a copy, so they are not counted twice in its memory. The file stays mapped, and
    /// reading the bytes again maps them back from the page cache.
    func release(_ bytes: UnsafeRawBufferPointer) {
        MemoryAdvice.dontNeed.apply(inside: bytes)
    }

    private static func parseHeader(base: UnsafeRawPointer, length: Int, path: String)
        throws -> ([String: TensorInfo], Int)
    {
        let headerLength = UnsafeRawBufferPointer(start: base, count: 8).u64(at: 0)
        guard headerLength <= UInt64(length - 8) else {
            throw EmbeddingError.corruptWeights(path: path, reason: "header length \(headerLength) exceeds the file size \(length) (truncated?)")
        }
        let dataStart = 8 + Int(headerLength)
        let header = Data(bytes: base + 8, count: Int(headerLength))
        guard let object = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else {
            throw EmbeddingError.corruptWeights(path: path, reason: "header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2
            else {
                throw EmbeddingError.corruptWeights(path: path, reason: "header entry `\(name)` is malformed")
            }
            let info = TensorInfo(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
            let count = shape.reduce(1, *)
            guard info.begin >= 0, info.end >= info.begin, dataStart + info.end <= length else {
                throw EmbeddingError.corruptWeights(path: path, reason: "tensor `\(name)` lies outside the file (truncated?)")
            }
            if let width = Self.byteWidth(dtype), info.end - info.begin != count * width {
                throw EmbeddingError.corruptWeights(path: path, reason: "tensor `\(name)` has \(info.end - info.begin) bytes for shape \(shape) \(dtype)")
            }
            tensors[name] = info
        }
        return (tensors, dataStart)
    }

    static func byteWidth(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    /// The dtype of the stored floats (`F32`, `F16`, `BF16`) if all float tensors share one.
    var floatType: String {
        let types = Set(tensors.values.map(\.dtype).filter { $0.hasPrefix("F") || $0 == "BF16" })
        return types.count == 1 ? types.first ?? "F32" : types.sorted().joined(separator: "+")
    }

    /// fp32 values of tensor `name` with the expected shape: a pointer into the mapping when
    /// stored as aligned fp32, else a widened copy appended to `owned`.
    func floats(_ name: String, shape expected: [Int], owned: inout [UnsafeMutableBufferPointer<Float>])
        throws -> UnsafePointer<Float>
    {
        guard let info = tensors[name] else {
            throw EmbeddingError.badTensor(path: path, tensor: name, reason: "is missing")
        }
        guard info.shape == expected else {
            throw EmbeddingError.badTensor(path: path, tensor: name, reason: "has shape \(info.shape), expected \(expected)")
        }
        let count = expected.reduce(1, *)
        let raw = base + dataStart + info.begin
        switch info.dtype {
        case "F32":
            if Int(bitPattern: raw) % MemoryLayout<Float>.alignment == 0 {
                return raw.assumingMemoryBound(to: Float.self)
            }
            let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            UnsafeMutableRawBufferPointer(copy).copyMemory(from: UnsafeRawBufferPointer(start: raw, count: count * 4))
            owned.append(copy)
            return UnsafePointer(copy.baseAddress!)
        case "F16", "BF16":
            let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            let isBF16 = info.dtype == "BF16"
            let halves = UnsafeRawBufferPointer(start: raw, count: count * 2)  // inside the file: checked by parseHeader
            for i in 0..<count {
                let bits = halves.u16(at: 2 * i)
                copy[i] = isBF16 ? Float(bitPattern: UInt32(bits) << 16) : Float(Float16(bitPattern: bits))
            }
            owned.append(copy)
            return UnsafePointer(copy.baseAddress!)
        default:
            throw EmbeddingError.badTensor(path: path, tensor: name, reason: "has dtype \(info.dtype); only F32, F16 and BF16 are supported")
        }
    }
}
