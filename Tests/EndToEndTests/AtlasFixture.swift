import Foundation
import TestSupport

/// A small repository on three unrelated subjects, one file each, with one function
/// planted where it does not belong (`send_welcome_email` among the shapes), and a test
/// file that `clusters` and `map` leave out unless asked.
enum AtlasFixture {
    static let http = """
        import json
        import time
        import urllib.request


        def fetch_url(url, timeout=10):
            \"\"\"Download the body of an HTTP response.\"\"\"
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.read()


        def post_json(url, payload):
            \"\"\"Send a JSON document with an HTTP POST request and decode the reply.\"\"\"
            body = json.dumps(payload).encode("utf-8")
            request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                return json.loads(response.read())


        def parse_headers(raw):
            \"\"\"Split raw HTTP response headers into a dictionary.\"\"\"
            headers = {}
            for line in raw.split("\\r\\n"):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            return headers


        def retry_request(url, attempts=3):
            \"\"\"Fetch a URL, retrying failed HTTP requests with a growing delay.\"\"\"
            for attempt in range(attempts):
                try:
                    return fetch_url(url)
                except OSError:
                    time.sleep(2 ** attempt)
            raise ConnectionError(url)

        """

    static let shapes = """
        import math


        def circle_area(radius):
            \"\"\"Area of a circle of the given radius.\"\"\"
            return math.pi * radius * radius


        def triangle_perimeter(a, b, c):
            \"\"\"Perimeter of a triangle from the lengths of its three sides.\"\"\"
            return a + b + c


        def rectangle_diagonal(width, height):
            \"\"\"Length of the diagonal of a rectangle.\"\"\"
            return math.hypot(width, height)


        def polygon_centroid(points):
            \"\"\"Centre of mass of a polygon's vertices (x, y).\"\"\"
            xs = [x for x, _ in points]
            ys = [y for _, y in points]
            return sum(xs) / len(xs), sum(ys) / len(ys)


        def send_welcome_email(smtp, user):
            \"\"\"Email a greeting to a newly registered user account.\"\"\"
            message = "Subject: Welcome\\n\\nHello " + user.name + ", thanks for signing up!"
            smtp.sendmail("noreply@example.com", [user.email], message)

        """

    static let text = """
        import textwrap
        import unicodedata


        def wrap_paragraph(text, width=72):
            \"\"\"Wrap a paragraph of prose to lines of at most `width` characters.\"\"\"
            return "\\n".join(textwrap.wrap(text, width))


        def title_case(sentence):
            \"\"\"Capitalise the first letter of every word in a sentence.\"\"\"
            return " ".join(word[:1].upper() + word[1:] for word in sentence.split())


        def strip_accents(text):
            \"\"\"Remove accents from the letters of a string.\"\"\"
            decomposed = unicodedata.normalize("NFD", text)
            return "".join(c for c in decomposed if not unicodedata.combining(c))


        def pad_columns(rows):
            \"\"\"Left-justify the words of each row of text into aligned columns.\"\"\"
            widths = [max(len(cell) for cell in column) for column in zip(*rows)]
            return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]

        """

    static let tests = """
        from geometry.shapes import circle_area


        def test_circle_area_of_unit_circle():
            assert abs(circle_area(1) - 3.14159) < 1e-4

        """

    static let topics: [String: [String]] = [
        "net/http_client.py": ["fetch_url", "post_json", "parse_headers", "retry_request"],
        "geometry/shapes.py": ["circle_area", "triangle_perimeter", "rectangle_diagonal", "polygon_centroid"],
        "text/formatting.py": ["wrap_paragraph", "title_case", "strip_accents", "pad_columns"],
    ]

    static func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("net/http_client.py", http)
        try repo.write("geometry/shapes.py", shapes)
        try repo.write("text/formatting.py", text)
        try repo.write("tests/test_shapes.py", tests)
        try repo.commitAll()
        return repo
    }

    /// The `data` objects of the JSON Lines messages of type `type`.
    static func messages(_ stdout: String, type: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard object?["type"] as? String == type else { return nil }
            return object?["data"] as? [String: Any]
        }
    }
}
