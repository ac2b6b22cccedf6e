using System.Buffers;

namespace LlmGateway.Guard;

/// <summary>Turns placeholders back into values in a response written in pieces of any size.</summary>
internal interface IResponseRestorer
{
    void Process(ReadOnlySpan<byte> input, IBufferWriter<byte> output);

    /// <summary>The response ended: write whatever is held back.</summary>
    void Flush(IBufferWriter<byte> output);
}
