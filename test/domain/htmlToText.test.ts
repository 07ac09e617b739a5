// HTML bodies reduced to their visible text for comparison.
import { describe, expect, it } from "vitest";
import { decodeEntities, htmlToText } from "../../shared/domain/htmlToText.js";

describe("htmlToText", () => {
  it.each([
    ["<html><head><title>x</title><style>p{}</style></head><body>Hello</body></html>", "Hello"],
    ["line 1<br>line 2<br/>line 3", "line 1\nline 2\nline 3"],
    ["<p>a</p><p>b</p>", "a\nb\n"],
    ["<div class=PlainText>Fish &amp; chips &lt;today&gt;&nbsp;!</div>", "Fish & chips <today> !\n"],
    ["<!-- note -->x<script>alert(1)</script>y", "xy"],
    ["caf&eacute; &#233; &#xE9;", "caf&eacute; é é"],
    ["plain text", "plain text"],
  ])("%j → %j", (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it.each([
    ["&quot;&apos;&euro;", "\"'€"],
    ["&#0; &#x110000;", "&#0; &#x110000;"],
  ])("decodeEntities(%j) = %j", (input, expected) => {
    expect(decodeEntities(input)).toBe(expected);
  });
});
