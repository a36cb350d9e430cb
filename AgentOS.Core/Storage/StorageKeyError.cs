namespace AgentOS.Storage;

/// <summary>Why a string is not a valid <see cref="StorageKey"/>. <see cref="StorageKey.Describe"/> explains each.</summary>
public enum StorageKeyError
{
    /// <summary>The path is valid.</summary>
    None,

    /// <summary>The path is empty.</summary>
    Empty,

    /// <summary>The path is longer than <see cref="StorageKey.MaxBytes"/> bytes of UTF-8.</summary>
    TooLong,

    /// <summary>A segment is longer than <see cref="StorageKey.MaxSegmentBytes"/> bytes of UTF-8.</summary>
    SegmentTooLong,

    /// <summary>The path is absolute: it starts with <c>/</c> or <c>\</c>, or with a drive such as <c>C:</c>.</summary>
    Absolute,

    /// <summary>The path contains <c>\</c>, a separator on Windows.</summary>
    Backslash,

    /// <summary>A segment is empty: <c>//</c>, or a trailing <c>/</c>.</summary>
    EmptySegment,

    /// <summary>A segment is <c>.</c>, <c>..</c> or only dots.</summary>
    DotSegment,

    /// <summary>A segment starts with a space or ends with a space or a dot, which Windows drops.</summary>
    EdgeSpaceOrDot,

    /// <summary>The path contains NUL or another control character (C0, DEL or C1).</summary>
    ControlCharacter,

    /// <summary>The path contains <c>%</c>: paths are never URL-decoded, so encoded forms are refused outright.</summary>
    PercentEncoding,

    /// <summary>The path contains one of <c>: * ? " &lt; &gt; |</c>, which Windows reserves.</summary>
    ReservedCharacter,

    /// <summary>A segment is a Windows device name (<c>CON</c>, <c>NUL</c>, <c>COM1</c>, ...), with or without an extension.</summary>
    ReservedName,

    /// <summary>The path contains a Unicode compatibility character whose NFKC form is a character refused here (a
    /// fullwidth <c>．</c> or <c>／</c>, the one-dot leader <c>․</c>, ...).</summary>
    CompatibilityCharacter,

    /// <summary>The path contains an invisible, unassigned, private-use or non-ASCII space character, or a
    /// combining mark at the start of a segment or right after a dot.</summary>
    DisallowedCharacter,

    /// <summary>The path contains half of a UTF-16 surrogate pair, which has no UTF-8 form.</summary>
    InvalidSurrogate,
}
