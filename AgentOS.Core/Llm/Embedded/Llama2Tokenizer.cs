using System.Runtime.InteropServices;
using System.Text;

namespace AgentOS.Llm.Embedded;

/// <summary>
/// llama2.c's tokenizer (<c>tokenizer.bin</c>: max token length, then per token a float score, an int length and the
/// piece's bytes). Encoding is run.c's: a dummy-prefix space, UTF-8 code points looked up whole with byte fallback
/// (byte + 3), then repeated merges of the adjacent pair whose joined piece has the best score. Decoding drops the
/// leading space after BOS and turns <c>&lt;0xXX&gt;</c> pieces into raw bytes.
/// </summary>
public sealed class Llama2Tokenizer
{
    /// <summary>Beginning of sequence.</summary>
    public const int Bos = 1;

    /// <summary>End of sequence.</summary>
    public const int Eos = 2;

    private readonly byte[][] _pieces;
    private readonly float[] _scores;
    private readonly Dictionary<string, int> _lookup;

    private Llama2Tokenizer(byte[][] pieces, float[] scores)
    {
        _pieces = pieces;
        _scores = scores;
        // Latin-1 keeps every byte sequence distinct as a string key (pieces may be partial UTF-8).
        _lookup = new Dictionary<string, int>(pieces.Length, StringComparer.Ordinal);
        for (int i = 0; i < pieces.Length; i++)
        {
            _lookup.TryAdd(Encoding.Latin1.GetString(pieces[i]), i);
        }
    }

    /// <summary>The number of tokens.</summary>
    public int VocabSize => _pieces.Length;

    /// <summary>Reads a tokenizer for a vocabulary of <paramref name="vocabSize"/> tokens.</summary>
    /// <exception cref="ModelFormatException">The file is truncated or inconsistent.</exception>
    public static Llama2Tokenizer Load(string path, int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"Cannot read the tokenizer '{path}': {ex.Message}", ex);
        }
        int at = 0;
        int ReadInt()
        {
            if (at + 4 > bytes.Length)
            {
                throw new ModelFormatException($"The tokenizer '{path}' is truncated at byte {at} (expected {vocabSize} tokens).");
            }
            int value = MemoryMarshal.Read<int>(bytes.AsSpan(at));
            at += 4;
            return value;
        }
        int maxLength = ReadInt();
        var pieces = new byte[vocabSize][];
        var scores = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++)
        {
            scores[i] = BitConverter.Int32BitsToSingle(ReadInt());
            int length = ReadInt();
            if (length < 0 || length > Math.Max(maxLength, 64) || at + length > bytes.Length)
            {
                throw new ModelFormatException($"The tokenizer '{path}' has an impossible length {length} for token {i} at byte {at}.");
            }
            pieces[i] = bytes.AsSpan(at, length).ToArray();
            at += length;
        }
        if (at != bytes.Length)
        {
            throw new ModelFormatException($"The tokenizer '{path}' has {bytes.Length - at} bytes after its {vocabSize} tokens: is it for another vocabulary size?");
        }
        return new Llama2Tokenizer(pieces, scores);
    }

    /// <summary>Encodes <paramref name="text"/> as run.c does, optionally with BOS first and EOS last.</summary>
    public List<int> Encode(string text, bool bos = true, bool eos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<int>();
        if (bos)
        {
            tokens.Add(Bos);
        }
        var utf8 = Encoding.UTF8.GetBytes(text);
        if (utf8.Length > 0 && _lookup.TryGetValue(" ", out int prefix))
        {
            tokens.Add(prefix);
        }
        // Whole UTF-8 code points (at most 4 bytes), else one token per byte (byte + 3: after <unk>, <s>, </s>).
        for (int i = 0; i < utf8.Length;)
        {
            int length = 1;
            while (i + length < utf8.Length && (utf8[i + length] & 0xC0) == 0x80 && length < 4)
            {
                length++;
            }
            if (_lookup.TryGetValue(Encoding.Latin1.GetString(utf8, i, length), out int id))
            {
                tokens.Add(id);
            }
            else
            {
                for (int j = 0; j < length; j++)
                {
                    tokens.Add(utf8[i + j] + 3);
                }
            }
            i += length;
        }
        // Merge the best-scoring adjacent pair until no pair forms a known piece.
        int start = bos ? 1 : 0;
        while (true)
        {
            float bestScore = float.NegativeInfinity;
            int bestId = -1, bestIndex = -1;
            for (int i = start; i < tokens.Count - 1; i++)
            {
                var joined = Encoding.Latin1.GetString(_pieces[tokens[i]]) + Encoding.Latin1.GetString(_pieces[tokens[i + 1]]);
                if (_lookup.TryGetValue(joined, out int id) && _scores[id] > bestScore)
                {
                    bestScore = _scores[id];
                    bestId = id;
                    bestIndex = i;
                }
            }
            if (bestIndex < 0)
            {
                break;
            }
            tokens[bestIndex] = bestId;
            tokens.RemoveAt(bestIndex + 1);
        }
        if (eos)
        {
            tokens.Add(Eos);
        }
        return tokens;
    }

    /// <summary>The bytes <paramref name="token"/> stands for after <paramref name="previous"/>, as run.c prints them.</summary>
    public byte[] Decode(int previous, int token)
    {
        var piece = _pieces[token];
        if (previous == Bos && piece.Length > 0 && piece[0] == (byte)' ')
        {
            piece = piece[1..];
        }
        // "<0xAB>" is a raw byte.
        if (piece.Length == 6 && piece[0] == (byte)'<' && piece[1] == (byte)'0' && piece[2] == (byte)'x' && piece[5] == (byte)'>'
            && byte.TryParse(Encoding.ASCII.GetString(piece, 3, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out byte raw))
        {
            return [raw];
        }
        return piece;
    }

    /// <summary>Decodes a whole token sequence (starting after BOS) to text.</summary>
    public string DecodeAll(IReadOnlyList<int> tokens)
    {
        var bytes = new List<byte>();
        int previous = Bos;
        foreach (int token in tokens)
        {
            if (token != Bos)
            {
                bytes.AddRange(Decode(previous, token));
            }
            previous = token;
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
