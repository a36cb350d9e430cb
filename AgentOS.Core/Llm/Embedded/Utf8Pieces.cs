using System.Text;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// Turns a generation's token pieces (bytes) into text as they come. A character's UTF-8 bytes may span two tokens
/// (the tokenizer falls back to single bytes): the partial character is held back until its last byte arrives, so no
/// piece of text ever carries half a character. One instance per generation; not thread-safe.
/// </summary>
internal sealed class Utf8Pieces
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    /// <summary>
    /// Whether a character's first bytes are held back waiting for the rest. A generation must not suspend then: the
    /// resumed run decodes with a new instance, and the held bytes would be lost to the stream.
    /// </summary>
    // Counting with flush asks what the held bytes would become if the input ended here; it leaves the state alone.
    public bool HasPartial => _decoder.GetCharCount([], flush: true) > 0;

    /// <summary>The text completed by <paramref name="piece"/> (empty while a character is still partial).</summary>
    public string Decode(ReadOnlySpan<byte> piece)
    {
        int count = _decoder.GetCharCount(piece, flush: false);
        if (count == 0)
        {
            _decoder.GetChars(piece, [], flush: false); // consumes the partial bytes into the decoder's state
            return "";
        }
        var chars = new char[count];
        _decoder.GetChars(piece, chars, flush: false);
        return new string(chars);
    }
}
