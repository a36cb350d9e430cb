namespace AgentOS.Memory;

/// <summary>
/// Splits text into terms for BM25: maximal runs of letters and digits, lower-cased (invariant), at most
/// <see cref="MaxLength"/> characters (longer runs are cut). No stemming and no stop words, so hand-computed scores
/// stay simple to check. Allocation-free: each term is a span over the caller's buffer.
/// </summary>
internal ref struct Terms
{
    public const int MaxLength = 64;

    private readonly ReadOnlySpan<char> _text;
    private readonly Span<char> _buffer;
    private int _at;
    private int _length;

    public Terms(ReadOnlySpan<char> text, Span<char> buffer)
    {
        _text = text;
        _buffer = buffer;
    }

    public readonly ReadOnlySpan<char> Current => _buffer[.._length];

    public readonly Terms GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_at < _text.Length && !char.IsLetterOrDigit(_text[_at]))
        {
            _at++;
        }
        if (_at == _text.Length)
        {
            return false;
        }
        _length = 0;
        while (_at < _text.Length && char.IsLetterOrDigit(_text[_at]))
        {
            if (_length < MaxLength)
            {
                _buffer[_length++] = char.ToLowerInvariant(_text[_at]);
            }
            _at++;
        }
        return true;
    }
}
