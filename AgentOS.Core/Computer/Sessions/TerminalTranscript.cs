using System.Text;

namespace AgentOS.Computer.Sessions;

/// <summary>
/// The last <see cref="Capacity"/> characters a session's terminal showed (each command with what it printed, and
/// what its interactive program printed), for an operator watching the session: bounded, so a chatty program cannot
/// grow it; appended when a command or an exchange ends.
/// </summary>
internal sealed class TerminalTranscript
{
    /// <summary>How many characters are kept (the oldest go first).</summary>
    public const int Capacity = 16 * 1024;

    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private long _dropped;

    /// <summary>Adds text at the end, dropping the oldest characters beyond <see cref="Capacity"/>.</summary>
    public void Append(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        lock (_gate)
        {
            if (text.Length >= Capacity)
            {
                _dropped += _text.Length + text.Length - Capacity;
                _text.Clear().Append(text, text.Length - Capacity, Capacity);
                return;
            }
            _text.Append(text);
            int over = _text.Length - Capacity;
            if (over > 0)
            {
                _text.Remove(0, over);
                _dropped += over;
            }
        }
    }

    /// <summary>The text kept, and how many older characters were dropped.</summary>
    public (string Text, long Dropped) Read()
    {
        lock (_gate)
        {
            return (_text.ToString(), _dropped);
        }
    }
}
